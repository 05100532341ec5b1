using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using PersonalCloud.Contracts.Api;

namespace PersonalCloud.Integration.Tests.Platform;

/// <summary>
/// A browser's view of the API: cookies kept, no bearer token. Each client claims its own client address (the API
/// believes X-Forwarded-For from loopback, as from Caddy), so its login attempts are limited apart from other tests'.
/// </summary>
public sealed class DashboardClient : IDisposable
{
    private static int _clients;

    public DashboardClient(PlatformFixture platform)
    {
        Platform = platform;
        Cookies = new CookieContainer();
        Http = new HttpClient(new SocketsHttpHandler { CookieContainer = Cookies }) { BaseAddress = platform.Api.BaseAddress };
        var n = Interlocked.Increment(ref _clients);
        ClientAddress = $"198.18.{(n / 250) % 250}.{(n % 250) + 1}";
        Http.DefaultRequestHeaders.Add("X-Forwarded-For", ClientAddress);
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
