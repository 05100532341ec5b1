using Microsoft.Extensions.Options;
using PersonalCloud.Reconciler.Containers;
using PersonalCloud.Reconciler.Desired;
using PersonalCloud.Reconciler.Hosting;
using PersonalCloud.Reconciler.Loop;
using PersonalCloud.Reconciler.Routing;

namespace PersonalCloud.Reconciler.Triggers;

/// <summary>
/// Every few seconds, and at start: queue every app that exists and every app something is still running for, and
/// prune routes of deleted apps. Catches whatever a missed notification or event left behind.
/// </summary>
public sealed partial class PeriodicResync(
    DesiredStateReader desired,
    IContainerRuntime runtime,
    RouteTable routes,
    WorkQueue queue,
    IOptions<ReconcilerOptions> options,
    ILogger<PeriodicResync> logger) : BackgroundService
{
    private static readonly TimeSpan FailedRetry = TimeSpan.FromSeconds(2);
    private readonly SemaphoreSlim _wake = new(0, 1);

    public void RequestNow()
    {
        if (_wake.CurrentCount == 0)
        {
            try
            {
                _wake.Release();
            }
            catch (SemaphoreFullException)
            {
                // Already requested.
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = TimeSpan.FromSeconds(options.Value.ResyncSeconds);
        while (!stoppingToken.IsCancellationRequested)
        {
            var wait = interval;
            try
            {
                await ResyncAsync(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                // The database or engine may still be starting: look again soon rather than a whole interval later.
                LogFailed(logger, e);
                wait = FailedRetry;
            }

            await _wake.WaitAsync(wait, stoppingToken);
        }
    }

    private async Task ResyncAsync(CancellationToken ct)
    {
        var known = await desired.ListAppIdsAsync(ct);
        var containers = await runtime.ListManagedAsync(null, ct);
        var networks = await runtime.ListManagedNetworksAsync(ct);
        var all = known
            .Concat(containers.Select(c => c.AppId))
            .Concat(networks.Where(n => n.AppId is not null).Select(n => n.AppId!.Value))
            .ToHashSet();
        foreach (var appId in all)
            queue.Add(appId);
        await routes.PruneAsync(known, ct);
        LogResynced(logger, all.Count);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Resync queued {Count} apps")]
    private static partial void LogResynced(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Resync failed")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
