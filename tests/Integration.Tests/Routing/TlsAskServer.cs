using System.Collections.Concurrent;
using System.Net;

namespace PersonalCloud.Integration.Tests.Routing;

/// <summary>Stands in for the ControlPlane's <c>/internal/tls/ask</c>: 200 for hostnames a test allowed, 404 otherwise.</summary>
internal sealed class TlsAskServer : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentDictionary<string, bool> _allowed = new(StringComparer.OrdinalIgnoreCase);
    private readonly Task _serving;

    public TlsAskServer()
    {
        var port = TestUpstream.FreePort();
        Url = $"http://127.0.0.1:{port}/internal/tls/ask";
        _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        _listener.Start();
        _serving = Task.Run(ServeAsync);
    }

    public string Url { get; }

    /// <summary>Every hostname Caddy asked about, in order.</summary>
    public ConcurrentQueue<string> Asked { get; } = new();

    public void Allow(string hostname) => _allowed[hostname] = true;

    public void Dispose()
    {
        _listener.Close();
        _serving.Wait(TimeSpan.FromSeconds(5));
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return; // Closed: the test is over.
            }

            var domain = context.Request.QueryString["domain"] ?? "";
            Asked.Enqueue(domain);
            context.Response.StatusCode = _allowed.ContainsKey(domain) ? 200 : 404;
            context.Response.Close();
        }
    }
}
