using System.Runtime.ExceptionServices;
using PersonalCloud.Reconciler.Containers;

namespace PersonalCloud.Reconciler.Logs;

/// <summary>
/// Moves one container's output into Postgres: a reader takes the engine's stream from the container's cursor into a
/// bounded <see cref="LogBuffer"/>, a writer stores it in batches. Writers of all containers share a few COPY slots, so
/// a flooding app keeps its own buffer full while the others still get theirs stored.
/// </summary>
public sealed class LogFollower(
    IContainerRuntime runtime,
    LogSink sink,
    LogMaskReader masks,
    LogBufferLimits limits,
    TimeProvider time)
{
    /// <summary>Concurrent COPYs across all containers: a flood must not take every connection or both cores.</summary>
    public const int CopySlots = 2;

    public const string TruncatedSuffix = " [truncated: line longer than 16384 bytes]";

    private static readonly TimeSpan MaskFlagEvery = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan FullRecheck = TimeSpan.FromMilliseconds(100);
    private readonly SemaphoreSlim _copySlots = new(CopySlots, CopySlots);

    /// <summary>
    /// Stores everything after the cursor; with <paramref name="follow"/> until the container stops, else up to now.
    /// A failed write throws, leaving the cursor at the last stored batch: the next run reads from there again.
    /// </summary>
    public async Task RunAsync(ObservedContainer container, bool follow, CancellationToken ct)
    {
        var source = new LogSource(container.AppId, container.ReleaseId, container.Id);
        var cursor = await sink.ReadCursorAsync(container.Id, ct);
        var mask = await masks.ReadAsync(container.AppId, container.ReleaseId, ct);
        var buffer = new LogBuffer(limits);
        using var dataReady = new SemaphoreSlim(0);
        using var roomReady = new SemaphoreSlim(0);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var writer = Task.Run(() => WriteAsync(source, mask, buffer, dataReady, roomReady, stop), CancellationToken.None);
        ExceptionDispatchInfo? readFailure = null;
        try
        {
            await ReadAsync(container.Id, cursor, follow, buffer, dataReady, roomReady, stop.Token);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            // The writer failed and stopped the reader: its exception is the one to report.
        }
        catch (Exception e)
        {
            // What was read before the failure is still stored, in order, before the failure is reported.
            readFailure = ExceptionDispatchInfo.Capture(e);
        }
        finally
        {
            buffer.Complete();
            dataReady.Release();
        }

        await writer;
        readFailure?.Throw();
    }

    /// <summary>
    /// Snapshot reads (the engine opens all its rotated files at once, so nothing is skipped) until caught up, then a live
    /// follow until it falls <see cref="LogBufferLimits.MaxLag"/> behind, and so on. Before each read, a gap the engine's
    /// rotation left behind the cursor is recorded as one platform line.
    /// </summary>
    private async Task ReadAsync(
        string containerId, long? cursor, bool follow, LogBuffer buffer, SemaphoreSlim dataReady, SemaphoreSlim roomReady, CancellationToken ct)
    {
        var maxLagNanos = limits.MaxLag.Ticks * TimeSpan.NanosecondsPerTick;
        var live = false;
        while (true)
        {
            if (cursor is { } c && await OldestHeldAsync(containerId, ct) is { } oldest && RotationGap.Between(c, oldest) is { } gap)
            {
                await OfferAsync(gap, buffer, dataReady, roomReady, ct);
                cursor = gap.UnixNanos;
            }

            // The engine's "since" is inclusive and at most as fine as the cursor: nothing after the cursor is missed.
            var since = cursor is { } s ? DateTimeOffset.UnixEpoch.AddTicks(s / TimeSpan.NanosecondsPerTick) : (DateTimeOffset?)null;
            var read = 0;
            long lag = 0;
            await foreach (var entry in runtime.FollowLogsAsync(containerId, since, live, ct))
            {
                if (entry.UnixNanos <= cursor)
                    continue;
                await OfferAsync(entry, buffer, dataReady, roomReady, ct);
                cursor = entry.UnixNanos;
                read++;
                lag = NowUnixNanos() - entry.UnixNanos;
                if (live && lag > maxLagNanos)
                    break;
            }

            if (live && lag <= maxLagNanos)
                return; // The follow ended: the container stopped.
            if (!live && !follow && read == 0)
                return;
            live = follow && !live && (read == 0 || lag <= maxLagNanos);
        }
    }

    /// <summary>Queues one line; a full buffer makes the reader wait (the engine keeps the lines), never drop.</summary>
    private static async Task OfferAsync(ContainerLogEntry entry, LogBuffer buffer, SemaphoreSlim dataReady, SemaphoreSlim roomReady, CancellationToken ct)
    {
        while (true)
        {
            var result = buffer.Offer(entry, out var wasEmpty);
            if (result == OfferResult.Accepted)
            {
                if (wasEmpty)
                    dataReady.Release();
                return;
            }

            await roomReady.WaitAsync(FullRecheck, ct);
        }
    }

    /// <summary>The timestamp of the oldest line the engine still holds for the container (its oldest rotated file's first line).</summary>
    private async Task<long?> OldestHeldAsync(string containerId, CancellationToken ct)
    {
        await foreach (var entry in runtime.FollowLogsAsync(containerId, since: null, follow: false, ct))
            return entry.UnixNanos;
        return null;
    }

    private async Task WriteAsync(
        LogSource source, SecretMask mask, LogBuffer buffer, SemaphoreSlim dataReady, SemaphoreSlim roomReady, CancellationTokenSource stop)
    {
        var ct = stop.Token;
        try
        {
            var batch = new List<BufferedLine>(limits.BatchLines);
            var lines = new List<StoredLine>(limits.BatchLines);
            var maskOn = await masks.IsMaskingOnAsync(source.AppId, ct);
            var maskReadAt = time.GetTimestamp();
            while (true)
            {
                if (!buffer.TryTake(batch))
                {
                    if (buffer.IsDrained)
                        return;
                    await dataReady.WaitAsync(ct);
                    continue;
                }

                if (roomReady.CurrentCount == 0)
                    roomReady.Release();
                if (mask.Count > 0 && time.GetElapsedTime(maskReadAt) >= MaskFlagEvery)
                {
                    maskOn = await masks.IsMaskingOnAsync(source.AppId, ct);
                    maskReadAt = time.GetTimestamp();
                }

                foreach (var line in batch)
                    lines.Add(new StoredLine(line.Entry.UnixNanos, line.Entry.Stream, Render(line.Entry, maskOn ? mask : SecretMask.None)));

                await _copySlots.WaitAsync(ct);
                try
                {
                    await sink.StoreAsync(source, lines, batch.Count(l => !l.IsPlatform), dropped: 0, time.GetUtcNow(), ct);
                }
                finally
                {
                    _copySlots.Release();
                }

                batch.Clear();
                lines.Clear();
            }
        }
        catch
        {
            await stop.CancelAsync();
            throw;
        }
    }

    /// <summary>The message as stored: env values masked, a cut line marked as cut.</summary>
    public static string Render(ContainerLogEntry entry, SecretMask mask)
    {
        var message = mask.Apply(entry.Message, entry.Truncated);
        return entry.Truncated ? message + TruncatedSuffix : message;
    }

    private long NowUnixNanos() => (time.GetUtcNow().UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * TimeSpan.NanosecondsPerTick;
}
