using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using PersonalCloud.Reconciler.Containers;
using PersonalCloud.Reconciler.Hosting;

namespace PersonalCloud.Reconciler.Logs;

/// <summary>
/// Follows stdout/stderr of every running managed container into Postgres. Each container resumes after the last
/// stored timestamp, so a reconciler restart neither loses nor repeats lines.
/// </summary>
public sealed partial class LogCollector(
    IContainerRuntime runtime,
    LogSink sink,
    TimeProvider time,
    IOptions<ReconcilerOptions> options,
    ILogger<LogCollector> logger) : BackgroundService
{
    private const int BufferLines = 10_000;
    private const int BatchLines = 1_000;
    private static readonly TimeSpan Scan = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan RetentionEvery = TimeSpan.FromSeconds(30);
    private readonly ConcurrentDictionary<string, Task> _followers = new();

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
                    if (container.State == ContainerState.Running && !_followers.ContainsKey(container.Id))
                        _followers[container.Id] = FollowAsync(container, stoppingToken);
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

    private async Task FollowAsync(ObservedContainer container, CancellationToken ct)
    {
        await Task.Yield();
        var buffer = Channel.CreateBounded<ContainerLogEntry>(new BoundedChannelOptions(BufferLines) { SingleReader = true, SingleWriter = true });
        try
        {
            var since = await sink.LastTimestampAsync(container.Id, ct);
            var writer = WriteAsync(container, buffer.Reader, ct);
            await foreach (var line in runtime.FollowLogsAsync(container.Id, since, ct))
            {
                // Postgres keeps microseconds: anything at or before the stored cursor was already written.
                if (since is { } cursor && Truncate(line.Timestamp) <= cursor)
                    continue;
                await buffer.Writer.WriteAsync(line, ct);
            }

            buffer.Writer.TryComplete();
            await writer;
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            buffer.Writer.TryComplete(e);
            LogFollowFailed(logger, e, container.AppId, container.Id);
        }
        finally
        {
            _followers.TryRemove(container.Id, out _);
        }
    }

    private async Task WriteAsync(ObservedContainer container, ChannelReader<ContainerLogEntry> reader, CancellationToken ct)
    {
        var batch = new List<ContainerLogEntry>(BatchLines);
        while (await reader.WaitToReadAsync(ct))
        {
            while (batch.Count < BatchLines && reader.TryRead(out var line))
                batch.Add(line);
            await sink.WriteAsync(container.AppId, container.ReleaseId, container.Id, batch, ct);
            batch.Clear();
        }
    }

    private static DateTimeOffset Truncate(DateTimeOffset t) => new(t.Ticks - t.Ticks % 10, t.Offset);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Scanning containers for logs failed")]
    private static partial void LogScanFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "App {AppId}: following logs of container {ContainerId} failed")]
    private static partial void LogFollowFailed(ILogger logger, Exception exception, Guid appId, string containerId);
}
