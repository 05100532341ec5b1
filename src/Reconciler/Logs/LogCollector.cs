using Microsoft.Extensions.Options;
using PersonalCloud.Reconciler.Containers;
using PersonalCloud.Reconciler.Hosting;

namespace PersonalCloud.Reconciler.Logs;

/// <summary>Keeps a follower on every running managed container and enforces the per-app retention bounds.</summary>
public sealed partial class LogCollector(
    IContainerRuntime runtime,
    LogShipper shipper,
    LogRetention retention,
    TimeProvider time,
    IOptions<ReconcilerOptions> options,
    ILogger<LogCollector> logger) : BackgroundService
{
    private static readonly TimeSpan Scan = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan RetentionEvery = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Scan, time);
        var lastRetention = DateTimeOffset.MinValue;
        do
        {
            try
            {
                var containers = await runtime.ListManagedAsync(null, stoppingToken);
                foreach (var container in containers)
                {
                    if (container.State == ContainerState.Running)
                        shipper.Follow(container, stoppingToken);
                }

                var existing = containers.Select(c => c.Id).ToHashSet(StringComparer.Ordinal);
                shipper.Forget(existing);
                if (time.GetUtcNow() - lastRetention >= RetentionEvery)
                {
                    lastRetention = time.GetUtcNow();
                    await EnforceRetentionAsync(existing, stoppingToken);
                }
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                LogScanFailed(logger, e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private async Task EnforceRetentionAsync(IReadOnlySet<string> existing, CancellationToken ct)
    {
        var started = time.GetTimestamp();
        var removed = await retention.EnforceAsync(options.Value.LogRetentionLines, options.Value.LogRetentionHours, time.GetUtcNow(), existing, ct);
        if (removed.ByCount + removed.ByAge + removed.Cursors + removed.SearchChunks > 0)
            LogRetained(logger, removed.ByCount, removed.ByAge, removed.Cursors, removed.SearchChunks, (long)time.GetElapsedTime(started).TotalMilliseconds);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Scanning containers for logs failed")]
    private static partial void LogScanFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Log retention removed {ByCount} lines over the line limit, {ByAge} lines over the age limit {Cursors} stale cursors and {SearchChunks} search chunks in {ElapsedMs} ms")]
    private static partial void LogRetained(ILogger logger, long byCount, long byAge, long cursors, long searchChunks, long elapsedMs);
}
