using PersonalCloud.Reconciler.Containers;
using PersonalCloud.Reconciler.Loop;

namespace PersonalCloud.Reconciler.Triggers;

/// <summary>Wakes an app's reconcile when one of its containers starts, dies or disappears.</summary>
public sealed partial class ContainerEventsWatcher(IContainerRuntime runtime, WorkQueue queue, PeriodicResync resync, ILogger<ContainerEventsWatcher> logger) : BackgroundService
{
    private static readonly HashSet<string> Interesting = ["start", "die", "oom", "destroy", "kill", "stop"];

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
                    if (Interesting.Contains(e.Action))
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lost the Docker event stream; reconnecting in {Delay}")]
    private static partial void LogLost(ILogger logger, Exception exception, TimeSpan delay);
}
