using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using PersonalCloud.Integration.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace PersonalCloud.Integration.Tests.Platform.Dashboard;

/// <summary>The MVP from the browser alone: everything here happens through the dashboard, as a person would do it.</summary>
[Category("Integration")]
// Alone: Chromium aborts its requests in flight whenever Docker adds or removes a network interface (FIELD-NOTES), which
// tests running beside it do all the time; a dropped click or fetch is not a navigation the harness can repeat.
[NonParallelizable]
public sealed class DashboardJourneyTests
{
    private DashboardBrowser _browser = null!;
    private PlatformApi _api = null!;

    [OneTimeSetUp]
    public async Task LaunchAsync() => _browser = await DashboardBrowser.LaunchAsync(PlatformFixture.Current);

    [OneTimeTearDown]
    public async Task CloseAsync() => await _browser.DisposeAsync();

    [SetUp]
    public void SetUp()
    {
        _api = new PlatformApi(PlatformFixture.Current);
        _browser.TakeProblems();
    }

    [TearDown]
    public async Task CleanUpAsync()
    {
        await _browser.CloseContextsAsync();
        _browser.TakeProblems().Should().BeEmpty("the dashboard runs without script errors or CSP violations");
    }

    [Test]
    public async Task Journey_CreateDeployConfigureWatchRollBackDelete_AllFromTheBrowser()
    {
        var page = await _browser.NewPageAsync();
        await _browser.SignInAsync(page, screenshot: "login");
        var name = PlatformApi.UniqueName("dash");

        // Create the app.
        await page.GetByRole(AriaRole.Link, new() { Name = "Create app" }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog, new() { Name = "Create an app" });
        await Expect(dialog).ToBeVisibleAsync();
        await dialog.GetByRole(AriaRole.Textbox, new() { Name = "Name", Exact = true }).FillAsync(name);
        await Screenshots.SaveAsync(page, "create-app-dialog", fullPage: false);
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Create app" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = name, Exact = true })).ToBeVisibleAsync();
        var appId = DashboardBrowser.AppIdFrom(page);
        await Expect(StatusBadge(page)).ToHaveAttributeAsync("aria-label", "Status: created");

        // Deploy the hello image and watch it become healthy and serve.
        await page.GetByRole(AriaRole.Button, new() { Name = "Deploy image…" }).ClickAsync();
        var deploy = page.GetByRole(AriaRole.Dialog, new() { Name = "Deploy an image" });
        await deploy.GetByRole(AriaRole.Textbox, new() { Name = "Image", Exact = true }).FillAsync(_browser.Platform.HelloImage);
        await deploy.GetByRole(AriaRole.Button, new() { Name = "Deploy" }).ClickAsync();
        await Expect(deploy).ToBeHiddenAsync();
        await Expect(StatusBadge(page)).ToHaveAttributeAsync("aria-label", "Status: running", new() { Timeout = Ms(DashboardBrowser.ConvergeTimeout) });
        await Expect(page.Locator(".converging")).ToHaveCountAsync(0, new() { Timeout = Ms(DashboardBrowser.ConvergeTimeout) });

        // Open its URL from the header link: a new tab, straight to the app through Caddy.
        var appTab = await page.RunAndWaitForPopupAsync(() => page.Locator(".app-url").ClickAsync());
        await Expect(appTab.Locator("body")).ToContainTextAsync("greeting=");
        await appTab.CloseAsync();
        await Expect(page.Locator(".mini-journal li").First).ToBeVisibleAsync();
        await Screenshots.SaveAsync(page, "app-overview");

        // Set an env var: a new release rolls out and the app greets with it.
        await Tab(page, "Environment");
        var greeting = "hi-from-the-dashboard-" + Guid.NewGuid().ToString("N")[..6];
        await page.GetByRole(AriaRole.Textbox, new() { Name = "Name", Exact = true }).FillAsync("GREETING");
        await page.GetByLabel(new Regex("^Value")).FillAsync(greeting);
        await page.GetByRole(AriaRole.Button, new() { Name = "Save variable" }).ClickAsync();
        var row = page.Locator("tr[data-key='GREETING']");
        await Expect(row.Locator(".env-value")).ToHaveTextAsync("••••••••");
        await Screenshots.SaveAsync(page, "env-masked");
        await row.GetByRole(AriaRole.Button, new() { Name = "Reveal GREETING" }).ClickAsync();
        await Expect(row.Locator(".env-value")).ToHaveTextAsync(greeting);
        await Screenshots.SaveAsync(page, "env-revealed");
        await WaitUntilServedAsync(name, $"greeting={greeting}");
        await Expect(StatusBadge(page)).ToHaveAttributeAsync("aria-label", "Status: running", new() { Timeout = Ms(DashboardBrowser.ConvergeTimeout) });

        // A live log line arrives while the logs view is open: the hello app logs each request on stderr.
        await Tab(page, "Logs");
        await Expect(page.Locator(".live-status")).ToHaveTextAsync(new Regex("Live"));
        await Expect(page.Locator(".log-row").First).ToBeVisibleAsync();
        var newest = await page.EvaluateAsync<long>("() => Math.max(0, ...[...document.querySelectorAll('.log-row')].map(r => Number(r.dataset.id)))");
        var missing = await _api.GetThroughProxyAsync($"{name}.localhost", "/no-such-page-" + Guid.NewGuid().ToString("N")[..6]);
        missing.Status.Should().Be(HttpStatusCode.NotFound);
        await page.WaitForFunctionAsync(
            "after => [...document.querySelectorAll('.log-row')].some(r => Number(r.dataset.id) > after && r.textContent.includes('response:404'))",
            newest, new() { Timeout = 30_000 });
        await Screenshots.SaveAsync(page, "logs-live", fullPage: false);

        // Roll back to the first release (no GREETING): the app greets with nothing again.
        await Tab(page, "Releases");
        var first = page.Locator("tr[data-release-id]").Last;
        await Expect(first.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Roll back to release") })).ToBeVisibleAsync();
        await Screenshots.SaveAsync(page, "releases");
        await first.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Roll back to release") }).ClickAsync();
        var confirm = page.GetByRole(AriaRole.Dialog);
        await confirm.GetByRole(AriaRole.Button, new() { Name = "Roll back" }).ClickAsync();
        await Expect(confirm).ToBeHiddenAsync();
        await Expect(page.Locator("tr[data-release-id] td:has-text('rollback')").First).ToBeVisibleAsync();
        await WaitUntilServedAsync(name, "greeting=\n", exact: true);

        // The rest of the app's pages, for the record.
        await Tab(page, "Domains");
        await page.GetByRole(AriaRole.Textbox, new() { Name = "Hostname", Exact = true }).FillAsync($"{name}.example.test");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add domain" }).ClickAsync();
        await Expect(page.Locator($"tr[data-hostname='{name}.example.test']")).ToBeVisibleAsync();
        await Screenshots.SaveAsync(page, "domains");

        await Tab(page, "Health");
        await Expect(page.Locator("svg.chart circle.chart-ok").First).ToBeAttachedAsync(new() { Timeout = 30_000 });

        await Tab(page, "Events");
        await Expect(page.Locator("tr[data-event-id]").First).ToBeVisibleAsync();
        await Screenshots.SaveAsync(page, "events");

        await Tab(page, "Under the hood");
        await Expect(page.Locator(".container-card .stage[data-stage='serving'].reached").First).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await Expect(page.Locator("pre[aria-label='docker run command of web']")).ToContainTextAsync("docker run");
        (await page.Locator("pre[aria-label='docker run command of web']").TextContentAsync()).Should().NotContain(greeting, "secrets appear as references only");
        await Screenshots.SaveAsync(page, "internals");

        // Delete, confirming by typing the name; the list then loses the app.
        await page.GetByRole(AriaRole.Button, new() { Name = "Delete…" }).ClickAsync();
        var delete = page.GetByRole(AriaRole.Dialog, new() { Name = $"Delete {name}?" });
        var deleteButton = delete.GetByRole(AriaRole.Button, new() { Name = "Delete app" });
        await Expect(deleteButton).ToBeDisabledAsync();
        await delete.GetByLabel(new Regex("^Type .* to confirm")).FillAsync(name);
        await Expect(deleteButton).ToBeEnabledAsync();
        await Screenshots.SaveAsync(page, "delete-confirmation", fullPage: false);
        await deleteButton.ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/$"));
        await Expect(page.Locator($"tr[data-app-name='{name}']")).ToHaveCountAsync(0, new() { Timeout = Ms(DashboardBrowser.ConvergeTimeout) });
        (await _api.GetAppAsync(appId)).Should().BeNull();

        // The audit log names every change made here, the dashboard as the actor.
        await page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Audit log" }).ClickAsync();
        var deletion = page.Locator("tr[data-audit-id]", new() { HasText = $"DELETE /api/apps/{appId}" });
        await Expect(deletion).ToBeVisibleAsync();
        await Expect(deletion).ToContainTextAsync("dashboard");
        await Expect(page.Locator("tr[data-audit-id]", new() { HasText = $"POST /api/apps/{appId}/env" }).First).ToContainTextAsync("GREETING");
        await Screenshots.SaveAsync(page, "audit", fullPage: false);
    }

    private static ILocator StatusBadge(IPage page) => page.Locator(".app-status .badge");

    private static float Ms(TimeSpan timeout) => (float)timeout.TotalMilliseconds;

    private static async Task Tab(IPage page, string name)
    {
        await page.GetByRole(AriaRole.Navigation, new() { Name = "App sections" }).GetByRole(AriaRole.Link, new() { Name = name }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = name, Exact = true, Level = 2 })).ToBeVisibleAsync();
    }

    private async Task WaitUntilServedAsync(string name, string body, bool exact = false)
    {
        (HttpStatusCode Status, string Body) answer = default;
        await Eventually.UntilAsync(async () =>
        {
            answer = await _api.GetThroughProxyAsync($"{name}.localhost");
            return answer.Status == HttpStatusCode.OK && (exact ? answer.Body == body : answer.Body.Contains(body, StringComparison.Ordinal));
        }, DashboardBrowser.ConvergeTimeout, () => $"{name} serves '{body.Trim()}' (last: {answer.Status} '{answer.Body?.Trim()}')");
    }
}
