using Microsoft.Extensions.Options;
using PersonalCloud.Reconciler.Containers;
using PersonalCloud.Reconciler.Hosting;

namespace PersonalCloud.Reconciler.Logs;

/// <summary>Keeps a follower on every running managed container and enforces the per-app retention bound.</summary>
public sealed partial class LogCollector(
    IContainerRuntime runtime,
    LogShipper shipper,
    LogSink sink,
    TimeProvider time,
    IOptions<ReconcilerOptions> options,
    ILogger<LogCollector> logger) : BackgroundService
{
    private static readonly TimeSpan Scan = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan RetentionEvery = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Scan, time);
        var lastRetention = time.GetUtcNow();
        do
        {
            try
            {
                foreach (var container in await runtime.ListManagedAsync(null, stoppingToken))
                {
                    if (container.State == ContainerState.Running)
                        shipper.Follow(container, stoppingToken);
                }

                if (time.GetUtcNow() - lastRetention > RetentionEvery)
                {
                    lastRetention = time.GetUtcNow();
                    await sink.EnforceRetentionAsync(options.Value.LogRetentionLines, stoppingToken);
                }
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                LogScanFailed(logger, e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Scanning containers for logs failed")]
    private static partial void LogScanFailed(ILogger logger, Exception exception);
}
