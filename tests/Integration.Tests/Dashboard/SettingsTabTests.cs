using Microsoft.Playwright;
using PersonalCloud.Contracts.Api;
using PersonalCloud.Contracts.Apps;
using PersonalCloud.Integration.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace PersonalCloud.Integration.Tests.Platform.Dashboard;

/// <summary>The settings tab changes a running app's settings through PATCH and shows the API's problems next to the field.</summary>
[Category("Integration")]
// Alone: Chromium aborts its requests in flight whenever Docker adds or removes a network interface (FIELD-NOTES), which
// tests running beside it do all the time; a dropped click or fetch is not a navigation the harness can repeat.
[NonParallelizable]
public sealed class SettingsTabTests : DashboardTest
{
    [Test]
    public async Task Settings_ChangedInTheDashboard_RollOutAsANewRelease_AndABadValueIsShownAtItsField()
    {
        var app = await Api.CreateAppAsync(PlatformApi.UniqueName("settingstab"), PlatformFixture.Current.HelloImage);
        Apps.Add(app.Id);
        var running = await Api.WaitForAsync(app.Id, app.Generation, AppStatus.Running);

        var page = await Browser.SignedInPageAsync();
        await DashboardBrowser.GotoAsync(page, $"/apps/{app.Id}/settings");
        var memory = page.GetByRole(AriaRole.Spinbutton, new() { Name = "Memory (MB)" });
        await Expect(memory).ToHaveValueAsync("256");

        var cpus = page.GetByRole(AriaRole.Spinbutton, new() { Name = "CPUs" });
        await cpus.FillAsync((Environment.ProcessorCount + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
        await page.GetByRole(AriaRole.Button, new() { Name = "Save and roll out" }).ClickAsync();
        await Expect(cpus).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(page.Locator("[data-field='limits.cpus'] .field-error")).ToContainTextAsync("CPU");
        (await Api.GetAppAsync(app.Id))!.Generation.Should().Be(running.Generation, "a refused change changes nothing");

        await cpus.FillAsync("0.5");
        await memory.FillAsync("320");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save and roll out" }).ClickAsync();
        await Expect(page.Locator(".toast.tone-ok", new() { HasText = "Settings change done" })).ToBeVisibleAsync(
            new() { Timeout = (float)DashboardBrowser.ConvergeTimeout.TotalMilliseconds });

        AppResponse? after = null;
        await Eventually.UntilAsync(async () =>
        {
            after = await Api.GetAppAsync(app.Id);
            return after!.Limits.MemoryMb == 320 && after.CurrentRelease?.Reason == ReleaseReasons.Settings && after.Status == AppStatus.Running;
        }, DashboardBrowser.ConvergeTimeout, () => $"the settings release serves (last: {after?.Status}, {after?.CurrentRelease?.Reason})");
        await Screenshots.SaveAsync(page, "settings");
    }
}
