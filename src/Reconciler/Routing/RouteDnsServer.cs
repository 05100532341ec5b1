using System.Net;
using ARSoft.Tools.Net.Dns;
using PersonalCloud.Contracts.Routing;

namespace PersonalCloud.Reconciler.Routing;

/// <summary>
/// The DNS responder Caddy asks for every request host (UDP on loopback): answers come from an in-memory route
/// snapshot. It runs in its own process (<c>route-dns</c>), so apps keep serving while the reconciler is down.
/// </summary>
public sealed partial class RouteDnsServer(IRouteSource routes, ProxySettings settings, RouteAnswerSettings answers, ILogger<RouteDnsServer> logger) : BackgroundService
{
    private const int UdpTimeoutMilliseconds = 1000;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Until Postgres was read, every host would look unknown: a restart must not answer 404 for existing apps.
        await routes.Loaded.WaitAsync(stoppingToken);

        var endpoint = new IPEndPoint(IPAddress.Loopback, settings.DnsPort);
        var server = new DnsServer(new UdpServerTransport(endpoint, UdpTimeoutMilliseconds));
        server.QueryReceived += OnQueryAsync;
        server.ExceptionThrown += OnExceptionAsync;
        server.Start();
        LogListening(logger, endpoint.ToString());
        try
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
        finally
        {
            server.Stop();
        }
    }

    private Task OnQueryAsync(object sender, QueryReceivedEventArgs e)
    {
        if (e.Query is DnsMessage query)
            e.Response = DnsAnswers.Respond(query, routes.Snapshot, answers);
        return Task.CompletedTask;
    }

    private Task OnExceptionAsync(object sender, ExceptionEventArgs e)
    {
        LogFailed(logger, e.Exception);
        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Route DNS responder listening on udp/{Endpoint}")]
    private static partial void LogListening(ILogger logger, string endpoint);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Route DNS responder failed to answer a query")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
