using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace PersonalCloud.Integration.Tests.Platform.Dashboard;

/// <summary>The dashboard with a keyboard only, at phone width, and in its first-run state.</summary>
[Category("Integration")]
// Alone: Chromium aborts its requests in flight whenever Docker adds or removes a network interface (FIELD-NOTES), which
// tests running beside it do all the time; a dropped click or fetch is not a navigation the harness can repeat.
[NonParallelizable]
public sealed class DashboardAccessTests : DashboardTest
{
    private const int MaxTabs = 40;

    [Test]
    public async Task CreateApp_WithTheKeyboardOnly_OpensTheNewAppsPage()
    {
        var page = await Browser.SignedInPageAsync();
        var name = PlatformApi.UniqueName("keys");

        await TabUntilFocusedAsync(page, "Create app");
        (await page.EvaluateAsync<string>("() => getComputedStyle(document.activeElement).outlineStyle")).Should().NotBe("none", "focus is visible");
        await page.Keyboard.PressAsync("Enter");
        var dialog = page.GetByRole(AriaRole.Dialog, new() { Name = "Create an app" });
        await Expect(dialog).ToBeVisibleAsync();
        await Expect(dialog.GetByRole(AriaRole.Textbox, new() { Name = "Name", Exact = true })).ToBeFocusedAsync();

        // Escape closes the dialog and gives focus back to the link that opened it; Enter opens it again.
        await page.Keyboard.PressAsync("Escape");
        await Expect(dialog).ToBeHiddenAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/$"));
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Create app", Exact = true })).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(dialog.GetByRole(AriaRole.Textbox, new() { Name = "Name", Exact = true })).ToBeFocusedAsync();

        await page.Keyboard.TypeAsync(name);
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = name, Exact = true })).ToBeVisibleAsync();
        Apps.Add(DashboardBrowser.AppIdFrom(page));

        // Tabs are links: reachable and followed with the keyboard.
        await TabUntilFocusedAsync(page, "Releases");
        await page.Keyboard.PressAsync("Enter");
        await Expect(page).ToHaveURLAsync(new Regex("/releases$"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Releases", Level = 2 })).ToBeVisibleAsync();
    }

    [Test]
    public async Task AppsList_AtPhoneWidth_HasNoHorizontalPageScroll()
    {
        var app = await Api.CreateAppAsync(PlatformApi.UniqueName("phone-with-a-long-name"));
        Apps.Add(app.Id);
        await Api.DeployAsync(app.Id, Browser.Platform.HelloImage);

        var page = await Browser.SignedInPageAsync(width: 375, height: 812);
        await Expect(page.Locator($"tr[data-app-name='{app.Name}']")).ToBeVisibleAsync();
        await Expect(page.Locator($"tr[data-app-name='{app.Name}'] .badge").First).ToHaveAttributeAsync("aria-label", "Status: running",
            new() { Timeout = (float)DashboardBrowser.ConvergeTimeout.TotalMilliseconds });
        (await HasHorizontalScrollAsync(page)).Should().BeFalse("the apps list fits a 375 px screen");
        await Screenshots.SaveAsync(page, "apps-phone");

        foreach (var tab in new[] { "", "/processes", "/releases", "/env", "/logs", "/health", "/events", "/internals" })
        {
            await DashboardBrowser.GotoAsync(page, $"/apps/{app.Id}{tab}");
            await Expect(page.Locator(".tab-panel h2").First).ToBeAttachedAsync();
            await Expect(page.Locator(".tab-panel[aria-busy]")).ToHaveCountAsync(0);
            (await HasHorizontalScrollAsync(page)).Should().BeFalse($"the app page {tab} fits a 375 px screen");
        }

        await DashboardBrowser.GotoAsync(page, $"/apps/{app.Id}");
        await Expect(page.Locator(".facts")).ToBeVisibleAsync();
        await Screenshots.SaveAsync(page, "app-phone");
    }

    [Test]
    public async Task AppsList_WithApps_ShowsStatusReleaseAndHealthPerApp()
    {
        var app = await Api.CreateAppAsync(PlatformApi.UniqueName("listed"));
        Apps.Add(app.Id);
        var idle = await Api.CreateAppAsync(PlatformApi.UniqueName("idle"));
        Apps.Add(idle.Id);
        await Api.DeployAsync(app.Id, Browser.Platform.HelloImage);

        var page = await Browser.SignedInPageAsync();
        var row = page.Locator($"tr[data-app-name='{app.Name}']");
        await Expect(row.Locator("[data-cell='status'] .badge")).ToHaveAttributeAsync("aria-label", "Status: running",
            new() { Timeout = (float)DashboardBrowser.ConvergeTimeout.TotalMilliseconds });
        await Expect(row.Locator("[data-cell='health'] .badge")).ToHaveAttributeAsync("aria-label", "Health: healthy", new() { Timeout = 30_000 });
        await Expect(row.Locator("[data-cell='address'] a")).ToHaveAttributeAsync("href", app.Url);
        await Expect(page.Locator($"tr[data-app-name='{idle.Name}'] [data-cell='release']")).ToHaveTextAsync("not deployed");
        await Screenshots.SaveAsync(page, "apps-list");
    }

    [Test]
    public async Task AppsList_WithNoApps_ExplainsHowToStart()
    {
        var page = await Browser.SignedInPageAsync();
        // Other tests' apps may exist right now: this picture is of a fresh install, so the list is answered empty.
        await page.RouteAsync("**/api/apps", route => route.FulfillAsync(new() { Status = 200, ContentType = "application/json", Body = "[]" }));
        await DashboardBrowser.GotoAsync(page, "/");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "No apps yet" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Create your first app" })).ToBeVisibleAsync();
        await Screenshots.SaveAsync(page, "apps-empty");
    }

    [Test]
    public async Task ApiCall_WithoutSession_GoesToTheLoginPageAndBack()
    {
        var app = await Api.CreateAppAsync(PlatformApi.UniqueName("relogin"));
        Apps.Add(app.Id);
        var page = await Browser.NewPageAsync();
        await DashboardBrowser.GotoAsync(page, $"/apps/{app.Id}/env");
        await Expect(page).ToHaveURLAsync(new Regex("/login\\?next="));
        await page.GetByLabel("Password or API token").FillAsync("wrong-secret-of-some-length");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Wrong password or token.");
        await page.GetByLabel("Password or API token").FillAsync(Browser.Platform.ApiToken);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex($"/apps/{app.Id}/env$"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Environment", Level = 2 })).ToBeVisibleAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = "Log out" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/login$"));
        await DashboardBrowser.GotoAsync(page, "/");
        await Expect(page).ToHaveURLAsync(new Regex("/login\\?next="));
    }

    private static async Task TabUntilFocusedAsync(IPage page, string accessibleName)
    {
        for (var i = 0; i < MaxTabs; i++)
        {
            await page.Keyboard.PressAsync("Tab");
            var focused = await page.EvaluateAsync<string>("() => (document.activeElement?.getAttribute('aria-label') || document.activeElement?.textContent || '').trim()");
            if (focused.EndsWith(accessibleName, StringComparison.Ordinal))
                return;
        }

        Assert.Fail($"'{accessibleName}' was not reached within {MaxTabs} presses of Tab");
    }

    private static Task<bool> HasHorizontalScrollAsync(IPage page) =>
        page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth > document.documentElement.clientWidth");
}
