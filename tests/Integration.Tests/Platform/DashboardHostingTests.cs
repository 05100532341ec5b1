using System.Net;
using System.Text.RegularExpressions;
using PersonalCloud.Integration.Tests.Support;

namespace PersonalCloud.Integration.Tests.Platform;

/// <summary>The dashboard's page and files, on the API port and through Caddy at dashboard.&lt;base domain&gt;.</summary>
[Category("Integration")]
public sealed partial class DashboardHostingTests
{
    private const string Csp =
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

    private const string DashboardHost = "dashboard." + PlatformFixture.BaseDomain;
    private PlatformFixture _platform = null!;
    private HttpClient _anonymous = null!;

    [SetUp]
    public void SetUp()
    {
        _platform = PlatformFixture.Current;
        _anonymous = new HttpClient { BaseAddress = _platform.Api.BaseAddress };
    }

    [TearDown]
    public void TearDown() => _anonymous.Dispose();

    [TestCase("/")]
    [TestCase("/login")]
    [TestCase("/apps/3f2504e0-4f89-11d3-9a0c-0305e82c3301")]
    [TestCase("/apps/3f2504e0-4f89-11d3-9a0c-0305e82c3301/internals")]
    public async Task PageAndClientRoutes_ServeIndexHtml_WithSecurityHeaders_AndNoCache(string path)
    {
        using var response = await _anonymous.GetAsync(path);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.Should().Be("text/html");
        (await response.Content.ReadAsStringAsync()).Should().Be(await IndexHtmlAsync());
        ShouldHaveSecurityHeaders(response);
        response.Headers.CacheControl!.NoCache.Should().BeTrue();
    }

    [Test]
    public async Task Assets_AreServed_WithSecurityHeaders_AndAlwaysRevalidated()
    {
        var script = ModuleScript().Match(await IndexHtmlAsync());
        script.Success.Should().BeTrue("index.html loads a module script");

        using var response = await _anonymous.GetAsync(script.Groups["src"].Value);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.Should().Be("text/javascript");
        ShouldHaveSecurityHeaders(response);
        response.Headers.CacheControl!.NoCache.Should().BeTrue("file names do not change between versions");
    }

    [TestCase("/api/nope")]
    [TestCase("/api/apps/3f2504e0-4f89-11d3-9a0c-0305e82c3301/nope")]
    [TestCase("/auth/nope")]
    [TestCase("/internal/nope")]
    [TestCase("/openapi/nope")]
    [TestCase("/healthz/nope")]
    [TestCase("/js/no-such-module.js")]
    public async Task ServerPathsAndMissingFiles_Answer404Problem_NotThePage(string path)
    {
        using var response = await _platform.Api.GetAsync(path);

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
    }

    [Test]
    public async Task ThroughCaddysHttps_TheDashboardHost_ServesThePageAndTheApi_WithACertificateFromCaddysLocalCa()
    {
        (await _anonymous.GetAsync($"/internal/tls/ask?domain={DashboardHost}")).StatusCode.Should().Be(HttpStatusCode.OK);
        // Validates the certificate against Caddy's local CA (EdgeClient.IssuedByCaddysLocalCa).
        using var https = EdgeClient.Create(_platform, EdgeClient.NewAddress());
        https.BaseAddress = EdgeClient.DashboardHttps(_platform);

        string? body = null;
        await Eventually.UntilAsync(async () =>
        {
            using var response = await https.GetAsync("/apps");
            body = await response.Content.ReadAsStringAsync();
            return response.StatusCode == HttpStatusCode.OK;
        }, TimeSpan.FromSeconds(30), $"https://{DashboardHost} answers with a certificate Caddy's local CA signed");
        body.Should().Be(await IndexHtmlAsync());
        (await https.GetAsync("/api/apps")).StatusCode.Should().Be(HttpStatusCode.Unauthorized, "the API needs a token or session there too");
    }

    private static void ShouldHaveSecurityHeaders(HttpResponseMessage response)
    {
        response.Headers.GetValues("Content-Security-Policy").Should().Equal(Csp);
        response.Headers.GetValues("X-Content-Type-Options").Should().Equal("nosniff");
        response.Headers.GetValues("Referrer-Policy").Should().Equal("no-referrer");
    }

    /// <summary>The copy the build put next to the ControlPlane's dll, which is what it serves.</summary>
    private static Task<string> IndexHtmlAsync() =>
        File.ReadAllTextAsync(Path.Combine(Path.GetDirectoryName(RepoPaths.ControlPlaneDll)!, "Dashboard", "wwwroot", "index.html"));

    [GeneratedRegex("""<script type="module" src="(?<src>/[^"]+)">""")]
    private static partial Regex ModuleScript();
}
