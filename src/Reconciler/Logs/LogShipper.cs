using System.Collections.Concurrent;
using System.Threading.Channels;
using PersonalCloud.Reconciler.Containers;

namespace PersonalCloud.Reconciler.Logs;

/// <summary>
/// Moves one container's output into Postgres, resuming after the last stored timestamp so a reconciler restart neither
/// loses nor repeats lines. Followers run while a container runs; a container about to be removed is caught up first,
/// so even one that lived for milliseconds leaves its output behind.
/// </summary>
public sealed partial class LogShipper(IContainerRuntime runtime, LogSink sink, ILogger<LogShipper> logger)
{
    private const int BufferLines = 10_000;
    private const int BatchLines = 1_000;
    private static readonly TimeSpan CatchUpWait = TimeSpan.FromSeconds(5);
    private readonly ConcurrentDictionary<string, Task> _followers = new();

    public bool IsFollowing(string containerId) => _followers.ContainsKey(containerId);

    /// <summary>Starts following a running container unless already doing so.</summary>
    public void Follow(ObservedContainer container, CancellationToken stoppingToken)
    {
        Task follower;
        lock (_followers)
        {
            if (_followers.ContainsKey(container.Id))
                return;
            follower = ShipAsync(container, follow: true, stoppingToken);
            _followers[container.Id] = follower;
        }

        _ = follower.ContinueWith(_ => _followers.TryRemove(container.Id, out var _), TaskScheduler.Default);
    }

    /// <summary>Stores what a stopped container wrote and no follower stored: waits for a live follower, else reads the rest.</summary>
    public async Task CatchUpAsync(ObservedContainer container, CancellationToken ct)
    {
        if (_followers.TryGetValue(container.Id, out var follower))
        {
            await follower.WaitAsync(CatchUpWait, ct).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            return;
        }

        await ShipAsync(container, follow: false, ct);
    }

    private async Task ShipAsync(ObservedContainer container, bool follow, CancellationToken ct)
    {
        await Task.Yield();
        var buffer = Channel.CreateBounded<ContainerLogEntry>(new BoundedChannelOptions(BufferLines) { SingleReader = true, SingleWriter = true });
        try
        {
            var since = await sink.LastTimestampAsync(container.Id, ct);
            var writer = WriteAsync(container, buffer.Reader, ct);
            await foreach (var line in runtime.FollowLogsAsync(container.Id, since, follow, ct))
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
            LogShipFailed(logger, e, container.AppId, container.Id);
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "App {AppId}: shipping logs of container {ContainerId} failed")]
    private static partial void LogShipFailed(ILogger logger, Exception exception, Guid appId, string containerId);
}
