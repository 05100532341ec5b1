using System.Net;
using System.Net.Http.Json;
using PersonalCloud.Contracts.Api;
using PersonalCloud.Integration.Tests.Support;

namespace PersonalCloud.Integration.Tests.Platform.Drills;

/// <summary>
/// Issue 9, item 9 and item 13's forwarded headers: the dashboard's hostname answers plain HTTP with a redirect to
/// HTTPS and never takes a password over it; its HTTPS answers carry HSTS; the session cookie is always Secure; the
/// client address is the one Caddy forwards, and X-Forwarded-* from anyone else is ignored.
/// </summary>
[Category("Integration")]
[Category("Drill")]
public sealed class DashboardHttpsDrills : PlatformTest
{
    [Test]
    public async Task PlainHttp_ToTheDashboardHost_Redirects308ToHttps_AndALoginOverItIsNeverProcessed()
    {
        using var http = EdgeClient.Create(Platform, EdgeClient.NewAddress());
        http.BaseAddress = EdgeClient.DashboardHttp(Platform);

        using var page = await http.GetAsync("/apps/x?tab=logs&q=a%20b");
        page.StatusCode.Should().Be(HttpStatusCode.PermanentRedirect);
        page.Headers.Location.Should().Be(new Uri($"https://dashboard.{PlatformFixture.BaseDomain}:{Platform.HttpsPort}/apps/x?tab=logs&q=a%20b"));

        using var login = await http.PostAsJsonAsync("/auth/login", new LoginRequest(Platform.DashboardPassword));
        login.StatusCode.Should().Be(HttpStatusCode.PermanentRedirect, "the password is never checked over plain HTTP");
        login.Headers.Location.Should().Be(new Uri($"https://dashboard.{PlatformFixture.BaseDomain}:{Platform.HttpsPort}/auth/login"));
        login.Headers.Contains("Set-Cookie").Should().BeFalse("no session is opened");
    }

    [Test]
    public async Task OverHttps_TheDashboardAnswersWithHsts_AndItsCookiesAreSecure()
    {
        using var browser = new DashboardClient(Platform);
        HttpResponseMessage? session = null;
        await Eventually.UntilAsync(async () => (session = await browser.Http.GetAsync("/auth/session")).StatusCode == HttpStatusCode.OK,
            TimeSpan.FromSeconds(30), "the dashboard answers over HTTPS through Caddy");
        session!.Headers.GetValues("Strict-Transport-Security").Should().Equal("max-age=31536000");
        session.Headers.GetValues("Set-Cookie").Should().ContainSingle(c => c.StartsWith("pcloud_csrf=", StringComparison.Ordinal))
            .Which.ToLowerInvariant().Should().Contain("secure");

        await browser.SessionAsync();
        using var login = await browser.LoginAsync(Platform.DashboardPassword);
        login.StatusCode.Should().Be(HttpStatusCode.NoContent, await login.Content.ReadAsStringAsync());
        login.Headers.GetValues("Strict-Transport-Security").Should().Equal("max-age=31536000");
        login.Headers.GetValues("Set-Cookie").Should().ContainSingle(c => c.StartsWith("pcloud_session=", StringComparison.Ordinal))
            .Which.ToLowerInvariant().Should().Contain("secure").And.Contain("httponly").And.Contain("samesite=strict");
    }

    [Test]
    public async Task OnLoopbackPlainHttp_TheSessionCookieIsSecureToo()
    {
        // On this machine only: browsers keep Secure cookies of http://localhost and 127.0.0.1, and send them back there.
        using var http = new HttpClient(new SocketsHttpHandler { UseCookies = false }) { BaseAddress = Platform.Api.BaseAddress };
        using var sessionResponse = await http.GetAsync("/auth/session");
        var session = (await sessionResponse.Content.ReadFromJsonAsync<SessionResponse>(DashboardClient.Json))!;
        var csrfCookie = sessionResponse.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("pcloud_csrf=", StringComparison.Ordinal));

        using var login = new HttpRequestMessage(HttpMethod.Post, "/auth/login") { Content = JsonContent.Create(new LoginRequest(Platform.DashboardPassword)) };
        login.Headers.Add("X-CSRF-Token", session.CsrfToken);
        login.Headers.Add("Cookie", csrfCookie.Split(';')[0]);
        using var response = await http.SendAsync(login);

        response.StatusCode.Should().Be(HttpStatusCode.NoContent, await response.Content.ReadAsStringAsync());
        response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("pcloud_session=", StringComparison.Ordinal))
            .ToLowerInvariant().Should().Contain("secure");
    }

    [Test]
    public async Task ForwardedHeaders_AreBelievedFromCaddyOnly_NotFromALocalClientOnTheApiPort()
    {
        const string spoofed = "203.0.113.77";
        var direct = PlatformApi.UniqueName("Direct_");
        using (var request = new HttpRequestMessage(HttpMethod.Post, "/api/apps") { Content = JsonContent.Create(new CreateAppRequest(direct)) })
        {
            request.Headers.Add("X-Forwarded-For", spoofed);
            request.Headers.Add("X-Forwarded-Proto", "https");
            (await Api.Http.SendAsync(request)).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        }

        var edgeAddress = EdgeClient.NewAddress();
        using var edge = EdgeClient.Create(Platform, edgeAddress);
        edge.BaseAddress = EdgeClient.DashboardHttps(Platform);
        edge.DefaultRequestHeaders.Authorization = new("Bearer", Platform.ApiToken);
        var throughCaddy = PlatformApi.UniqueName("Edge_");
        await Eventually.UntilAsync(async () =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/apps") { Content = JsonContent.Create(new CreateAppRequest(throughCaddy)) };
            request.Headers.Add("X-Forwarded-For", spoofed);
            return (await edge.SendAsync(request)).StatusCode == HttpStatusCode.BadRequest;
        }, TimeSpan.FromSeconds(30), "the dashboard's hostname answers over HTTPS through Caddy");

        var rejected = await Api.GetAsync<IReadOnlyList<AuditEntryResponse>>("/api/audit?status=400&method=post&limit=1000");
        rejected.Should().ContainSingle(e => e.Summary == $"create app {direct}")
            .Which.RemoteIp.Should().Be("127.0.0.1", "a local client on the API port cannot claim another address");
        rejected.Should().Contain(e => e.Summary == $"create app {throughCaddy}")
            .Which.RemoteIp.Should().Be(edgeAddress.ToString(), "Caddy forwards the address the connection came from, not the client's claim");
    }
}
