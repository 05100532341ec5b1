using System.Collections.Concurrent;
using System.Net;

namespace PersonalCloud.Integration.Tests.Support;

/// <summary>Concurrent keep-alive GET loops through the proxy by Host header, counting every outcome until stopped.</summary>
public sealed class ProxyLoad : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly HttpClient _client;
    private readonly Task<(int Ok, int Failed, string? First)>[] _loops;
    private readonly ConcurrentDictionary<string, int> _bodies = new(StringComparer.Ordinal);

    /// <summary>Each distinct body of a 200 answer so far, with how often it came (the keep-alive server names its address in it).</summary>
    public IReadOnlyDictionary<string, int> Bodies => _bodies;

    public ProxyLoad(int port, string hostname, int clients)
    {
        _client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = clients, UseProxy = false })
        {
            BaseAddress = new Uri($"http://127.0.0.1:{port}/"),
            Timeout = TimeSpan.FromSeconds(10),
        };
        _client.DefaultRequestHeaders.Host = hostname;
        _loops = Enumerable.Range(0, clients).Select(_ => Task.Run(LoopAsync)).ToArray();
    }

    public async Task<(int Succeeded, int Failed, string? FirstFailure)> StopAsync()
    {
        await _stop.CancelAsync();
        var results = await Task.WhenAll(_loops);
        return (results.Sum(r => r.Ok), results.Sum(r => r.Failed), results.Select(r => r.First).FirstOrDefault(f => f is not null));
    }

    private async Task<(int Ok, int Failed, string? First)> LoopAsync()
    {
        int ok = 0, failed = 0;
        string? first = null;
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                using var response = await _client.GetAsync("/");
                var body = await response.Content.ReadAsStringAsync();
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    ok++;
                    _bodies.AddOrUpdate(body, 1, (_, n) => n + 1);
                }
                else
                {
                    failed++;
                    first ??= $"HTTP {(int)response.StatusCode}";
                }
            }
            catch (HttpRequestException e)
            {
                failed++;
                first ??= e.Message;
            }
        }

        return (ok, failed, first);
    }

    public void Dispose()
    {
        _stop.Cancel();
        _client.Dispose();
        _stop.Dispose();
    }
}
