using Microsoft.Extensions.Options;
using PersonalCloud.Reconciler.Hosting;

namespace PersonalCloud.Reconciler.Routing;

/// <summary>
/// At start and every resync interval: reloads the routing table from Postgres (the DNS responder starts after the
/// first load) and makes sure Caddy runs the static proxy config (a restarted Caddy has none).
/// </summary>
public sealed partial class RoutingSync(
    RouteTable routes,
    ProxyConfigurator proxy,
    IOptions<ReconcilerOptions> options,
    TimeProvider time,
    ILogger<RoutingSync> logger) : BackgroundService
{
    private static readonly TimeSpan FailedRetry = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = TimeSpan.FromSeconds(options.Value.ResyncSeconds);
        while (!stoppingToken.IsCancellationRequested)
        {
            // Independent steps: Postgres being down must not keep Caddy unconfigured, nor the other way round.
            var loaded = await TryAsync(routes.LoadAsync, "load the routing table from Postgres", stoppingToken);
            var configured = await TryAsync(proxy.EnsureAsync, "configure Caddy", stoppingToken);
            await Task.Delay(loaded && configured ? interval : FailedRetry, time, stoppingToken);
        }
    }

    private async Task<bool> TryAsync(Func<CancellationToken, Task> step, string what, CancellationToken stoppingToken)
    {
        try
        {
            await step(stoppingToken);
            return true;
        }
        catch (Exception e) when (!stoppingToken.IsCancellationRequested)
        {
            // Postgres or Caddy may still be starting: try again soon rather than a whole interval later.
            LogFailed(logger, what, e);
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Routing sync could not {What}; retrying")]
    private static partial void LogFailed(ILogger logger, string what, Exception exception);
}
