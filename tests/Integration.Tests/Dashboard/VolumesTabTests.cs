using Microsoft.Playwright;
using PersonalCloud.Integration.Tests.Platform.Volumes;
using PersonalCloud.Integration.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace PersonalCloud.Integration.Tests.Platform.Dashboard;

/// <summary>The volumes tab adds a volume, shows its usage with the no-quota note, and deletes it only after the name is typed.</summary>
[Category("Integration")]
// Alone: Chromium aborts its requests in flight whenever Docker adds or removes a network interface (FIELD-NOTES), which
// tests running beside it do all the time; a dropped click or fetch is not a navigation the harness can repeat.
[NonParallelizable]
public sealed class VolumesTabTests : DashboardTest
{
    [Test]
    public async Task Volume_AddedBackedUpAndDeletedInTheDashboard_ShowsUsageAndAVerifiedBackup()
    {
        var app = await Api.CreateAppAsync(PlatformApi.UniqueName("voltab"));
        Apps.Add(app.Id);
        var converge = new LocatorAssertionsToContainTextOptions { Timeout = (float)DashboardBrowser.ConvergeTimeout.TotalMilliseconds };

        var page = await Browser.SignedInPageAsync();
        await DashboardBrowser.GotoAsync(page, $"/apps/{app.Id}/volumes");
        await Expect(page.Locator(".volume-quota")).ToContainTextAsync("no size limit");

        // A mount path the platform owns: refused at its field, and nothing is added.
        await page.GetByRole(AriaRole.Textbox, new() { Name = "Name", Exact = true }).FillAsync("data");
        await page.GetByRole(AriaRole.Textbox, new() { Name = "Mount path", Exact = true }).FillAsync("/etc/data");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add volume" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Textbox, new() { Name = "Mount path", Exact = true })).ToHaveAttributeAsync("aria-invalid", "true");
        (await new VolumesApi(Api, PlatformFixture.Current).ListAsync(app.Id)).Should().BeEmpty("a refused volume changes nothing");

        await page.GetByRole(AriaRole.Textbox, new() { Name = "Mount path", Exact = true }).FillAsync("/data");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add volume" }).ClickAsync();
        var row = page.Locator("tr[data-volume='data']");
        await Expect(row.Locator("td[data-label='Mount path']")).ToHaveTextAsync("/data");
        await Expect(row.Locator("td[data-label='Processes']")).ToHaveTextAsync("all");
        // The monitor makes and measures it (an empty volume: a few bytes at most); the tab shows it on its next load.
        await Eventually.UntilAsync(async () =>
        {
            await page.ReloadAsync();
            return (await row.Locator("td[data-label='Usage']").TextContentAsync())?.Contains("bytes", StringComparison.Ordinal) == true;
        }, DashboardBrowser.ConvergeTimeout, "the volume's usage is measured and shown");
        await Expect(row).ToHaveAttributeAsync("data-state", "ready");

        // Its backups, under the list: one taken now is restored into a scratch volume, checked, and shown verified.
        var backups = page.Locator("section.volume-backups[data-volume='data']");
        await backups.GetByRole(AriaRole.Button, new() { Name = "Back up now" }).ClickAsync();
        await Expect(backups.Locator("tr[data-backup-id]").First).ToHaveAttributeAsync("data-state", "verified", new() { Timeout = converge.Timeout });
        await Expect(backups.GetByRole(AriaRole.Button, new() { Name = "Restore" })).ToBeVisibleAsync();

        await row.GetByRole(AriaRole.Button, new() { Name = "Delete volume data" }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await Expect(dialog).ToContainTextAsync("final backup");
        var confirm = dialog.GetByRole(AriaRole.Button, new() { Name = "Delete volume" });
        await Expect(confirm).ToBeDisabledAsync();
        await dialog.GetByRole(AriaRole.Textbox).FillAsync("data");
        await confirm.ClickAsync();
        await Expect(row.Locator("td[data-label='Mount path']")).ToHaveTextAsync("not mounted", new() { Timeout = converge.Timeout });
        await Screenshots.SaveAsync(page, "volumes");
    }
}
