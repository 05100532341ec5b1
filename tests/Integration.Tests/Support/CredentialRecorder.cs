using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace PersonalCloud.Integration.Tests.Support;

/// <summary>A loopback HTTP server that asks every request for Basic credentials and keeps the Authorization headers sent.</summary>
public sealed class CredentialRecorder : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentQueue<string> _authorizations = new();

    public CredentialRecorder()
    {
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            Port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _ = AnswerAsync();
    }

    public int Port { get; }

    public IReadOnlyCollection<string> Authorizations => _authorizations;

    public void Dispose() => _listener.Close();

    private async Task AnswerAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
            {
                return;
            }

            if (context.Request.Headers["Authorization"] is { } authorization)
                _authorizations.Enqueue(authorization);
            context.Response.StatusCode = 401;
            context.Response.AddHeader("WWW-Authenticate", "Basic realm=\"drill\"");
            context.Response.Close();
        }
    }
}
