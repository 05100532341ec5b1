using System.Net;
using System.Net.Sockets;
using System.Text;

namespace PersonalCloud.Integration.Tests.Routing;

/// <summary>A tiny keep-alive HTTP server on loopback that answers every request with a fixed body, standing in for an app.</summary>
internal sealed class TestUpstream : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly byte[] _body;
    private readonly Task _serving;
    private int _served;

    public TestUpstream(string body)
    {
        Body = body;
        _body = Encoding.UTF8.GetBytes(body);
        Port = FreePort();
        // Caddy passes the app's Host header through, so answer any host.
        _listener.Prefixes.Add($"http://*:{Port}/");
        _listener.Start();
        _serving = Task.Run(ServeAsync);
    }

    public string Body { get; }

    public int Port { get; }

    public string Dial => $"127.0.0.1:{Port}";

    public int Served => Volatile.Read(ref _served);

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Any, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

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
                return; // The listener was closed: the test is over.
            }

            // Answer concurrently, as an app would under load.
            _ = RespondAsync(context);
        }
    }

    private async Task RespondAsync(HttpListenerContext context)
    {
        try
        {
            context.Response.ContentType = "text/plain";
            context.Response.ContentLength64 = _body.Length;
            await context.Response.OutputStream.WriteAsync(_body);
            context.Response.Close();
            Interlocked.Increment(ref _served);
        }
        catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
        {
            // Closed mid-answer: the caller counts the failed request.
        }
    }
}
