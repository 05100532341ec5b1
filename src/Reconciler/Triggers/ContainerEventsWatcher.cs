using PersonalCloud.Reconciler.Containers;
using PersonalCloud.Reconciler.Loop;
using PersonalCloud.Reconciler.Routing;

namespace PersonalCloud.Reconciler.Triggers;

/// <summary>Wakes an app's reconcile when one of its containers starts, dies or disappears; a death also leaves the route at once.</summary>
public sealed partial class ContainerEventsWatcher(
    IContainerRuntime runtime, WorkQueue queue, PeriodicResync resync, DyingContainers dying, DeadUpstreams deadUpstreams,
    ILogger<ContainerEventsWatcher> logger) : BackgroundService
{
    private static readonly HashSet<string> Interesting = ["start", "die", "oom", "destroy", "kill", "stop"];

    /// <summary>A drop that cannot be written by then (Postgres slow or down) is left to the pass the event queues.</summary>
    private static readonly TimeSpan DropTimeout = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (failures > 0)
                    resync.RequestNow();
                await foreach (var e in runtime.WatchEventsAsync(stoppingToken))
                {
                    failures = 0;
                    if (!Interesting.Contains(e.Action))
                        continue;
                    if (e.Action == "die")
                    {
                        dying.Died(e.ContainerId);
                        await DropDeadUpstreamAsync(e, stoppingToken);
                    }
                    queue.Add(e.AppId);
                }
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                failures++;
                var delay = RetryBackoff.Delay(failures, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), 0.5);
                LogLost(logger, e, delay);
                await Task.Delay(delay, stoppingToken);
            }
        }
    }

    private async Task DropDeadUpstreamAsync(ContainerEvent e, CancellationToken stoppingToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        timeout.CancelAfter(DropTimeout);
        try
        {
            await deadUpstreams.DropAsync(e, timeout.Token);
        }
        catch (Exception error) when (!stoppingToken.IsCancellationRequested)
        {
            // The event stream goes on: the reconcile pass queued next routes around the dead container as well.
            LogDropFailed(logger, error, e.AppId, e.ContainerId);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lost the Docker event stream; reconnecting in {Delay}")]
    private static partial void LogLost(ILogger logger, Exception exception, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Warning, Message = "App {AppId}: could not take dead container {ContainerId} out of its route at once; the next pass does")]
    private static partial void LogDropFailed(ILogger logger, Exception exception, Guid appId, string containerId);
}
