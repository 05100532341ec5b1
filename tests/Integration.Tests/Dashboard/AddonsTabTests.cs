using System.Text.RegularExpressions;
using Microsoft.Playwright;
using PersonalCloud.Contracts.Apps;
using static Microsoft.Playwright.Assertions;

namespace PersonalCloud.Integration.Tests.Platform.Dashboard;

/// <summary>The add-ons tab adds a Postgres server, shows it ready with its connection string masked, reveals it, and removes it after the app's name is typed.</summary>
[Category("Integration")]
// Alone: Chromium aborts its requests in flight whenever Docker adds or removes a network interface (FIELD-NOTES), which
// tests running beside it do all the time; a dropped click or fetch is not a navigation the harness can repeat.
[NonParallelizable]
public sealed partial class AddonsTabTests : DashboardTest
{
    [Test]
    public async Task Postgres_AddedInTheDashboard_BecomesReady_RevealsItsConnection_AndIsRemovedOnlyWithTheAppsName()
    {
        var app = await Api.CreateAppAsync(PlatformApi.UniqueName("addontab"), PlatformFixture.Current.HelloImage);
        Apps.Add(app.Id);
        await Api.WaitForAsync(app.Id, app.Generation, AppStatus.Running);
        var converge = new LocatorAssertionsToHaveAttributeOptions { Timeout = (float)DashboardBrowser.ConvergeTimeout.TotalMilliseconds };

        var page = await Browser.SignedInPageAsync();
        await DashboardBrowser.GotoAsync(page, $"/apps/{app.Id}/addons");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add Postgres" }).ClickAsync();
        await page.Locator("dialog").GetByRole(AriaRole.Button, new() { Name = "Add Postgres" }).ClickAsync();

        var card = page.Locator("section[data-addon='postgres']");
        await Expect(card.Locator(".badge")).ToHaveAttributeAsync("aria-label", "Add-on: ready", converge);
        var connection = card.Locator("[data-connection]");
        await Expect(connection).ToHaveTextAsync("postgres://app:********@postgres:5432/app");
        await card.GetByRole(AriaRole.Button, new() { Name = "Reveal the connection string" }).ClickAsync();
        await Expect(connection).ToHaveTextAsync(RevealedUrl());
        await Screenshots.SaveAsync(page, "addons");

        await card.GetByRole(AriaRole.Button, new() { Name = "Remove Postgres" }).ClickAsync();
        var dialog = page.Locator("dialog");
        await Expect(dialog.GetByRole(AriaRole.Button, new() { Name = "Remove Postgres" })).ToBeDisabledAsync();
        await dialog.GetByRole(AriaRole.Textbox).FillAsync(app.Name);
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Remove Postgres" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "No add-ons" })).ToBeVisibleAsync(
            new() { Timeout = (float)DashboardBrowser.ConvergeTimeout.TotalMilliseconds });
        (await Api.GetAsync<IReadOnlyList<Contracts.Api.AddonResponse>>($"/api/apps/{app.Id}/addons")).Should().BeEmpty();
    }

    [GeneratedRegex("^postgres://app:[0-9a-f]{48}@postgres:5432/app$")]
    private static partial Regex RevealedUrl();
}
