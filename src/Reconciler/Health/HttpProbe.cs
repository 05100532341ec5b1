using System.Diagnostics;

namespace PersonalCloud.Reconciler.Health;

public sealed record ProbeResult(bool Healthy, int? HttpStatus, int LatencyMs, string? Error);

/// <summary>An HTTP GET from the host to a container's address; 2xx and 3xx are healthy. The target is always the container, never user-chosen.</summary>
public sealed class HttpProbe : IDisposable
{
    // Each probe sets its own timeout; the client's own is only a backstop.
    private readonly HttpClient _client = new(new SocketsHttpHandler
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        PooledConnectionLifetime = TimeSpan.FromSeconds(30),
    })
    {
        Timeout = TimeSpan.FromMinutes(2),
    };

    public async Task<ProbeResult> CheckAsync(string ipAddress, int port, string path, TimeSpan timeout, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);
        try
        {
            using var response = await _client.GetAsync(new Uri($"http://{ipAddress}:{port}{path}"), HttpCompletionOption.ResponseHeadersRead, deadline.Token);
            var code = (int)response.StatusCode;
            return new ProbeResult(code is >= 200 and < 400, code, Elapsed(started), code >= 400 ? $"HTTP {code}" : null);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            return new ProbeResult(false, null, Elapsed(started), e is OperationCanceledException ? $"timed out after {timeout.TotalSeconds:0.#}s" : e.Message);
        }
    }

    private static int Elapsed(long started) => (int)Stopwatch.GetElapsedTime(started).TotalMilliseconds;

    public void Dispose() => _client.Dispose();
}
