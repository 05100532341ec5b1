using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using PersonalCloud.Contracts.Api;
using PersonalCloud.Integration.Tests.Support;

namespace PersonalCloud.Integration.Tests.Platform;

/// <summary>
/// A browser's view of the dashboard at https://dashboard.&lt;base domain&gt; through Caddy: cookies kept (Secure
/// ones included), no bearer token. Each client connects from a loopback address of its own, which Caddy forwards,
/// so its login attempts are limited apart from other tests'.
/// </summary>
public sealed class DashboardClient : IDisposable
{
    public DashboardClient(PlatformFixture platform)
    {
        Platform = platform;
        Cookies = new CookieContainer();
        var address = EdgeClient.NewAddress();
        Http = EdgeClient.Create(platform, address, Cookies);
        Http.BaseAddress = EdgeClient.DashboardHttps(platform);
        ClientAddress = address.ToString();
    }

    public PlatformFixture Platform { get; }

    public CookieContainer Cookies { get; }

    public HttpClient Http { get; }

    public string ClientAddress { get; }

    public string? CsrfToken { get; private set; }

    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web);

    public async Task<SessionResponse> SessionAsync()
    {
        var session = (await Http.GetFromJsonAsync<SessionResponse>("/auth/session", Json))!;
        CsrfToken = session.CsrfToken;
        return session;
    }

    public async Task<HttpResponseMessage> LoginAsync(string secret) =>
        await SendAsync(HttpMethod.Post, "/auth/login", new LoginRequest(secret));

    /// <summary>Fetches a token, signs in with the dashboard password and fetches the signed-in user's token.</summary>
    public async Task SignInAsync()
    {
        await SessionAsync();
        var response = await LoginAsync(Platform.DashboardPassword);
        response.StatusCode.Should().Be(HttpStatusCode.NoContent, await response.Content.ReadAsStringAsync());
        (await SessionAsync()).Authenticated.Should().BeTrue();
    }

    /// <summary>Sends with the current antiforgery token (when <paramref name="withCsrf"/>).</summary>
    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, object? json = null, bool withCsrf = true)
    {
        using var request = new HttpRequestMessage(method, path);
        if (json is not null)
            request.Content = JsonContent.Create(json, json.GetType(), options: Json);
        if (withCsrf && CsrfToken is not null)
            request.Headers.Add("X-CSRF-Token", CsrfToken);
        return await Http.SendAsync(request);
    }

    public Cookie? SessionCookie => Cookies.GetAllCookies().FirstOrDefault(c => c.Name == "pcloud_session");

    public void Dispose() => Http.Dispose();
}
