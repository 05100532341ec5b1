using System.Text.RegularExpressions;
using Microsoft.Playwright;
using PersonalCloud.Integration.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace PersonalCloud.Integration.Tests.Platform.Dashboard;

/// <summary>
/// Debian's chromium driven by Playwright's bundled node driver: <see cref="ExecutablePath"/> is given, so Playwright
/// never looks for (or downloads) a browser of its own. One browser per test class, one context per test.
/// </summary>
public sealed class DashboardBrowser : IAsyncDisposable
{
    public const string ExecutablePath = "/usr/bin/chromium";
    public static readonly TimeSpan ConvergeTimeout = PlatformApi.ConvergeTimeout;

    private static readonly string[] ChromiumArgs =
    [
        "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync",
    ];

    private readonly IPlaywright _playwright;
    private readonly List<string> _problems = [];
    private readonly List<IBrowserContext> _contexts = [];
    private string? _signedIn;

    private DashboardBrowser(IPlaywright playwright, IBrowser browser, PlatformFixture platform)
    {
        _playwright = playwright;
        Browser = browser;
        Platform = platform;
    }

    public IBrowser Browser { get; }

    public PlatformFixture Platform { get; }

    public string BaseUrl => $"http://127.0.0.1:{Platform.ApiPort}";

    /// <summary>Uncaught page errors and CSP violations seen by any page of this browser, reset by <see cref="TakeProblems"/>.</summary>
    public IReadOnlyList<string> Problems => _problems;

    public static async Task<DashboardBrowser> LaunchAsync(PlatformFixture platform)
    {
        if (!File.Exists(ExecutablePath))
            throw new InvalidOperationException($"{ExecutablePath} is missing: install Debian's chromium (scripts/install-packages.sh lists it).");
        var playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args = ChromiumArgs,
        });
        // Auto-waiting assertions poll; the default 5 s is short for a 2-core machine building pages while Docker works.
        SetDefaultExpectTimeout(15_000);
        return new DashboardBrowser(playwright, browser, platform);
    }

    public async Task<IPage> NewPageAsync(int width = 1280, int height = 900, string? storageState = null)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseUrl,
            StorageState = storageState,
            ViewportSize = new ViewportSize { Width = width, Height = height },
            Locale = "en-US",
            TimezoneId = "UTC",
            ColorScheme = ColorScheme.Light,
        });
        context.SetDefaultTimeout(15_000);
        _contexts.Add(context);
        var page = await context.NewPageAsync();
        page.PageError += (_, error) => _problems.Add($"page error on {page.Url}: {error}");
        page.Console += (_, message) =>
        {
            if (message.Type is "error" or "warning")
                TestContext.Progress.WriteLine($"[browser {message.Type}] {message.Text}");
            if (message.Type == "error" && (message.Text.Contains("Content Security Policy", StringComparison.Ordinal) || message.Text.Contains("Refused to", StringComparison.Ordinal)))
                _problems.Add($"CSP violation on {page.Url}: {message.Text}");
        };
        page.Dialog += async (_, dialog) =>
        {
            _problems.Add($"a script opened a {dialog.Type} dialog: {dialog.Message}");
            await dialog.DismissAsync();
        };
        return page;
    }

    /// <summary>
    /// A page on the apps list with a session. The first signs in through the login page; later ones reuse its
    /// cookies, as a browser would, since logins are rate-limited per client address (10 a minute).
    /// </summary>
    public async Task<IPage> SignedInPageAsync(int width = 1280, int height = 900)
    {
        var page = await NewPageAsync(width, height, _signedIn);
        if (_signedIn is null)
        {
            await SignInAsync(page);
            _signedIn = await page.Context.StorageStateAsync();
            return page;
        }

        await GotoAsync(page, "/");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Apps", Exact = true })).ToBeVisibleAsync();
        return page;
    }

    public async Task SignInAsync(IPage page, string? screenshot = null)
    {
        await GotoAsync(page, "/login");
        var secret = page.GetByLabel("Password or API token");
        await Expect(secret).ToBeVisibleAsync();
        if (screenshot is not null)
            await Screenshots.SaveAsync(page, screenshot);
        await secret.FillAsync(Platform.DashboardPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Apps", Exact = true })).ToBeVisibleAsync();
    }

    /// <summary>
    /// Navigates, once more if Chromium dropped the load because of a network change: it aborts requests in flight
    /// whenever a network interface appears or goes, which Docker does for every app network the platform makes. The
    /// drop surfaces as ERR_NETWORK_CHANGED, or, when it hits before the response, as the navigation being replaced by
    /// Chromium's own error page (chrome-error://chromewebdata/).
    /// </summary>
    public static async Task GotoAsync(IPage page, string url)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await page.GotoAsync(url);
                return;
            }
            catch (PlaywrightException e) when (attempt < 3 && DroppedByANetworkChange(e))
            {
                TestContext.Progress.WriteLine($"navigation to {url} dropped by a network change; again");
            }
        }
    }

    private static bool DroppedByANetworkChange(PlaywrightException e) =>
        e.Message.Contains("ERR_NETWORK_CHANGED", StringComparison.Ordinal)
        || e.Message.Contains("interrupted by another navigation to \"chrome-error://chromewebdata/\"", StringComparison.Ordinal);

    /// <summary>Deletes the apps and waits until the platform has removed them (and their Docker networks).</summary>
    public static async Task DeleteAppsAsync(PlatformApi api, IEnumerable<Guid> apps)
    {
        var ids = apps.ToList();
        // Confirmed by name: an app with volumes is deleted only so.
        foreach (var id in ids)
        {
            if (await api.GetAppAsync(id) is { } app)
                await api.Http.DeleteAsync($"/api/apps/{id}?confirm={Uri.EscapeDataString(app.Name)}");
        }
        foreach (var id in ids)
            await Eventually.UntilAsync(async () => await api.GetAppAsync(id) is null, ConvergeTimeout, $"app {id} is deleted");
    }

    /// <summary>The app page's id from its URL (/apps/{id}/...).</summary>
    public static Guid AppIdFrom(IPage page) =>
        Guid.Parse(Regex.Match(page.Url, "/apps/([0-9a-f-]{36})").Groups[1].Value);

    /// <summary>Closes the test's pages, so none keeps polling (or streaming) into the next test.</summary>
    public async Task CloseContextsAsync()
    {
        foreach (var context in _contexts)
            await context.CloseAsync();
        _contexts.Clear();
    }

    public List<string> TakeProblems()
    {
        var taken = _problems.ToList();
        _problems.Clear();
        return taken;
    }

    public async ValueTask DisposeAsync()
    {
        await Browser.DisposeAsync();
        _playwright.Dispose();
    }
}

/// <summary>
/// PNGs of each page, taken while the tests walk through the dashboard: into TestResults/pcloud/screenshots, or into
/// docs/screenshots/ when PCLOUD_UPDATE_SCREENSHOTS=1 (so a plain test run leaves the tracked pictures alone).
/// </summary>
public static class Screenshots
{
    public static string Directory { get; } = Environment.GetEnvironmentVariable("PCLOUD_UPDATE_SCREENSHOTS") == "1"
        ? Path.Combine(RepoPaths.Root, "docs", "screenshots")
        : Path.Combine(RepoPaths.Root, "TestResults", "pcloud", "screenshots");

    public static async Task SaveAsync(IPage page, string name, bool fullPage = true)
    {
        System.IO.Directory.CreateDirectory(Directory);
        // Toasts come and go on a timer; keep them out of the pictures.
        await page.EvaluateAsync("() => document.getElementById('toasts')?.replaceChildren()");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Directory, name + ".png"), FullPage = fullPage, Animations = ScreenshotAnimations.Disabled });
    }
}
