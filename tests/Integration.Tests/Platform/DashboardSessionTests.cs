using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using PersonalCloud.Contracts.Api;

namespace PersonalCloud.Integration.Tests.Platform;

/// <summary>The dashboard's door to the API: a cookie session with antiforgery, beside the unchanged bearer token.</summary>
[Category("Integration")]
public sealed class DashboardSessionTests
{
    private PlatformFixture _platform = null!;

    [SetUp]
    public void SetUp() => _platform = PlatformFixture.Current;

    [Test]
    public async Task Session_LoginWorksTheApiWithAntiforgeryOnMutations_AndLogoutEndsIt()
    {
        using var browser = new DashboardClient(_platform);
        var anonymous = await browser.SessionAsync();
        anonymous.Authenticated.Should().BeFalse();
        anonymous.CsrfToken.Should().NotBeNullOrEmpty();
        (await browser.Http.GetAsync("/api/apps")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);

        var wrong = await browser.LoginAsync("not-the-password");
        await ShouldBeProblemAsync(wrong, HttpStatusCode.Unauthorized, "/unauthorized");
        browser.SessionCookie.Should().BeNull();

        var login = await browser.LoginAsync(_platform.DashboardPassword);
        login.StatusCode.Should().Be(HttpStatusCode.NoContent, await login.Content.ReadAsStringAsync());
        var setCookie = login.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("pcloud_session=", StringComparison.Ordinal)).ToLowerInvariant();
        setCookie.Should().Contain("httponly").And.Contain("samesite=strict").And.Contain("expires=").And.Contain("secure");
        (await browser.SessionAsync()).Authenticated.Should().BeTrue();
        (await browser.Http.GetAsync("/api/apps")).StatusCode.Should().Be(HttpStatusCode.OK);

        var name = PlatformApi.UniqueName("session");
        var forged = await browser.SendAsync(HttpMethod.Post, "/api/apps", new CreateAppRequest(name), withCsrf: false);
        await ShouldBeProblemAsync(forged, HttpStatusCode.BadRequest, "/antiforgery");
        (await NamesAsync()).Should().NotContain(name, "a rejected call changes nothing");

        var created = await browser.SendAsync(HttpMethod.Post, "/api/apps", new CreateAppRequest(name));
        created.StatusCode.Should().Be(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var app = (await created.Content.ReadFromJsonAsync<AppResponse>(DashboardClient.Json))!;
        var audit = await new PlatformApi(_platform).GetAsync<IReadOnlyList<AuditEntryResponse>>($"/api/audit?app={app.Id}");
        audit.Should().ContainSingle(e => e.Method == "POST").Which.Actor.Should().Be("owner (dashboard)");

        var logout = await browser.SendAsync(HttpMethod.Post, "/auth/logout");
        logout.StatusCode.Should().Be(HttpStatusCode.NoContent, await logout.Content.ReadAsStringAsync());
        browser.SessionCookie.Should().BeNull("logout clears the cookie");
        await ShouldBeProblemAsync(await browser.Http.GetAsync("/api/apps"), HttpStatusCode.Unauthorized, "/unauthorized");
        (await browser.SessionAsync()).Authenticated.Should().BeFalse();
    }

    [Test]
    public async Task BearerToken_NeedsNoAntiforgery_AndIsAuditedAsTheApiToken()
    {
        var api = new PlatformApi(_platform);
        var app = await api.CreateAppAsync(PlatformApi.UniqueName("bearer"));

        var audit = await api.GetAsync<IReadOnlyList<AuditEntryResponse>>($"/api/audit?app={app.Id}");
        audit.Should().ContainSingle().Which.Actor.Should().Be("owner (api token)");
    }

    [Test]
    public async Task Login_WithTheApiToken_OpensASessionToo_ButNotWithoutTheAntiforgeryToken()
    {
        using var browser = new DashboardClient(_platform);
        await browser.SessionAsync();

        var unprotected = await browser.SendAsync(HttpMethod.Post, "/auth/login", new LoginRequest(_platform.ApiToken), withCsrf: false);
        await ShouldBeProblemAsync(unprotected, HttpStatusCode.BadRequest, "/antiforgery");

        (await browser.LoginAsync(_platform.ApiToken)).StatusCode.Should().Be(HttpStatusCode.NoContent);
        (await browser.Http.GetAsync("/api/apps")).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Test]
    public async Task Login_MoreThanTenTimesAMinuteFromOneAddress_Answers429Problem_OtherAddressesUnaffected()
    {
        using var attacker = new DashboardClient(_platform);
        await attacker.SessionAsync();
        for (var i = 0; i < 10; i++)
            (await attacker.LoginAsync($"guess-{i}")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);

        var limited = await attacker.LoginAsync(_platform.DashboardPassword);
        await ShouldBeProblemAsync(limited, HttpStatusCode.TooManyRequests, "/too-many-requests");
        limited.Headers.RetryAfter.Should().NotBeNull();
        attacker.SessionCookie.Should().BeNull("even the right password waits out the window");

        using var owner = new DashboardClient(_platform);
        await owner.SignInAsync();
    }

    private async Task<IEnumerable<string>> NamesAsync() =>
        (await new PlatformApi(_platform).GetAsync<IReadOnlyList<AppResponse>>("/api/apps")).Select(a => a.Name);

    internal static async Task ShouldBeProblemAsync(HttpResponseMessage response, HttpStatusCode status, string typeSuffix)
    {
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(status, body);
        response.Content.Headers.ContentType?.MediaType.Should().Be("application/problem+json", body);
        JsonDocument.Parse(body).RootElement.GetProperty("type").GetString().Should().EndWith(typeSuffix);
    }
}
