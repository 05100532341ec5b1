using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace PersonalCloud.Reconciler.Routing;

/// <summary>The two admin-API calls the proxy configurator needs; a seam so it can be tested without Caddy.</summary>
public interface ICaddyAdmin
{
    /// <summary>The current <c>/config/apps</c> (null when Caddy has none) and its ETag for a later If-Match.</summary>
    Task<(JsonNode? Apps, string? ETag)> GetAppsAsync(CancellationToken cancellationToken);

    /// <summary>Creates or replaces <c>/config/apps</c>; with an ETag it fails (412) if someone changed it since.</summary>
    Task LoadAppsAsync(CaddyApps apps, string? etag, CancellationToken cancellationToken);
}

/// <summary>A thin client over Caddy's admin API, on a unix socket or a loopback http address.</summary>
public sealed class CaddyAdminClient : ICaddyAdmin, IDisposable
{
    private const string AppsPath = "/config/apps";
    private readonly HttpClient _http;

    /// <param name="endpoint">A unix socket path (optionally Caddy-style <c>unix//path</c>) or an <c>http://host:port</c> address.</param>
    public CaddyAdminClient(string endpoint)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(endpoint);
        if (endpoint.StartsWith("http://", StringComparison.OrdinalIgnoreCase)
            || endpoint.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            _http = new HttpClient(new SocketsHttpHandler()) { BaseAddress = new Uri(endpoint) };
        }
        else
        {
            var socketPath = endpoint.StartsWith("unix/", StringComparison.Ordinal) ? endpoint["unix/".Length..] : endpoint;
            var handler = new SocketsHttpHandler
            {
                ConnectCallback = (_, ct) => ConnectUnixAsync(socketPath, ct),
            };
            // Caddy checks the Host header against admin "origins"; the bootstrap config allows "localhost".
            _http = new HttpClient(handler) { BaseAddress = new Uri("http://localhost") };
        }

        _http.Timeout = TimeSpan.FromSeconds(30);
    }

    public async Task<(JsonNode? Apps, string? ETag)> GetAppsAsync(CancellationToken cancellationToken)
    {
        using var response = await _http.GetAsync(AppsPath, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        ThrowUnlessSuccess(response, body, "GET");

        // Caddy 2.6 sends the ETag as an HTTP trailer, readable only after the whole body.
        var etag = HeaderValue(response.TrailingHeaders, "ETag") ?? HeaderValue(response.Headers, "ETag");
        return (JsonNode.Parse(body), etag);
    }

    public async Task LoadAppsAsync(CaddyApps apps, string? etag, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(apps);
        using var request = new HttpRequestMessage(HttpMethod.Post, AppsPath)
        {
            Content = new StringContent(CaddyConfigBuilder.Serialize(apps), Encoding.UTF8, "application/json"),
        };
        if (etag is not null)
        {
            // Caddy's ETag ("<path> <hash>") has a space, which the typed header parser rejects.
            request.Headers.TryAddWithoutValidation("If-Match", etag);
        }

        using var response = await _http.SendAsync(request, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        ThrowUnlessSuccess(response, body, "POST");
    }

    public void Dispose() => _http.Dispose();

    private static async ValueTask<Stream> ConnectUnixAsync(string socketPath, CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static void ThrowUnlessSuccess(HttpResponseMessage response, string body, string method)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw new CaddyAdminException(response.StatusCode, $"{method} {AppsPath}", body);
        }
    }

    private static string? HeaderValue(System.Net.Http.Headers.HttpHeaders headers, string name) =>
        headers.NonValidated.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;
}

/// <summary>Caddy refused a request; for an invalid config it answers 500 and keeps the old config.</summary>
public sealed class CaddyAdminException(HttpStatusCode statusCode, string request, string responseBody)
    : Exception($"Caddy admin {request} answered {(int)statusCode}: {ErrorOf(responseBody)}")
{
    public HttpStatusCode StatusCode { get; } = statusCode;

    /// <summary>Caddy's body as sent, usually <c>{"error":"..."}</c>.</summary>
    public string ResponseBody { get; } = responseBody;

    private static string ErrorOf(string body)
    {
        try
        {
            return JsonNode.Parse(body)?["error"]?.GetValue<string>() ?? body;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return body;
        }
    }
}
