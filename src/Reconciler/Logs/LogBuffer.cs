using System.Globalization;
using PersonalCloud.Reconciler.Containers;

namespace PersonalCloud.Reconciler.Logs;

/// <summary>How much one container's follower may hold and write at once, and how far it may fall behind before it drops.</summary>
public sealed record LogBufferLimits(int MaxLines, long MaxBytes, int BatchLines, long BatchBytes, TimeSpan MaxLag)
{
    // MaxLag 1 s: at ~100k lines/s a longer lag outruns the engine's 30 MB json-file, which loses lines that nobody counts.
    public static readonly LogBufferLimits Default = new(
        MaxLines: 20_000, MaxBytes: 8 * 1024 * 1024, BatchLines: 5_000, BatchBytes: 2 * 1024 * 1024, MaxLag: TimeSpan.FromSeconds(1));
}

public enum OfferResult
{
    /// <summary>Queued for storage.</summary>
    Accepted,

    /// <summary>Counted as dropped: the buffer is full and the follower is more than the allowed lag behind.</summary>
    Dropped,

    /// <summary>The buffer is full but the line is recent: wait for the writer to make room, then offer it again.</summary>
    Full,
}

/// <summary>A line to store; a positive <see cref="Dropped"/> marks the synthetic line that stands for a run of dropped lines.</summary>
public readonly record struct BufferedLine(ContainerLogEntry Entry, long Dropped);

/// <summary>
/// One container's bounded queue between the engine's stream and Postgres, capped in lines and bytes. A full buffer first
/// pushes back (the engine keeps the lines). Once the follower falls more than <see cref="LogBufferLimits.MaxLag"/> further
/// behind than the smallest lag it has had, the app writes faster than lines can be stored: it drops instead and counts,
/// until the writer has drained half the buffer; then one "[platform] dropped N lines" line takes the gap's place.
/// Measuring from the smallest lag lets a follower catch up a backlog (after a reconciler restart) without dropping.
/// Pure: the caller supplies the clock.
/// </summary>
public sealed class LogBuffer(LogBufferLimits limits)
{
    public const string PlatformStream = "platform";

    private const long EntryOverheadBytes = 96;
    private readonly Queue<BufferedLine> _lines = new();
    private readonly Lock _gate = new();
    private long _bytes;
    private long _episodeDropped;
    private long _lastDroppedNanos;
    private long _smallestLag = long.MaxValue;
    private bool _completed;

    public long DroppedTotal { get; private set; }

    public int Count
    {
        get
        {
            lock (_gate)
                return _lines.Count;
        }
    }

    /// <summary>Nothing more will be offered and everything was taken.</summary>
    public bool IsDrained
    {
        get
        {
            lock (_gate)
                return _completed && _lines.Count == 0;
        }
    }

    /// <summary>What a queued line costs in memory: UTF-16 text plus the objects around it.</summary>
    public static long CostOf(ContainerLogEntry entry) => EntryOverheadBytes + (2L * entry.Message.Length);

    public static string DroppedMessage(long count) =>
        string.Create(CultureInfo.InvariantCulture, $"[platform] dropped {count} lines: the app wrote faster than they could be stored");

    /// <param name="wasEmpty">True when the buffer was empty before this line: the writer may be waiting for it.</param>
    public OfferResult Offer(ContainerLogEntry entry, long nowUnixNanos, out bool wasEmpty)
    {
        var cost = CostOf(entry);
        var lag = nowUnixNanos - entry.UnixNanos;
        lock (_gate)
        {
            wasEmpty = _lines.Count == 0;
            _smallestLag = Math.Min(_smallestLag, lag);
            if (_episodeDropped > 0)
            {
                if (_lines.Count > limits.MaxLines / 2 || _bytes > limits.MaxBytes / 2)
                    return Drop(entry);
                EndEpisode();
                Enqueue(entry, cost);
                return OfferResult.Accepted;
            }

            if (_lines.Count == 0 || (_lines.Count < limits.MaxLines && _bytes + cost <= limits.MaxBytes))
            {
                Enqueue(entry, cost);
                return OfferResult.Accepted;
            }

            return lag - _smallestLag > limits.MaxLag.Ticks * TimeSpan.NanosecondsPerTick ? Drop(entry) : OfferResult.Full;
        }
    }

    /// <summary>Moves up to one batch (by lines and bytes, at least one line) into <paramref name="batch"/>; false when empty.</summary>
    public bool TryTake(List<BufferedLine> batch)
    {
        lock (_gate)
        {
            long bytes = 0;
            while (_lines.Count > 0 && batch.Count < limits.BatchLines)
            {
                var cost = CostOf(_lines.Peek().Entry);
                if (batch.Count > 0 && bytes + cost > limits.BatchBytes)
                    break;
                batch.Add(_lines.Dequeue());
                bytes += cost;
                _bytes -= cost;
            }

            return batch.Count > 0;
        }
    }

    /// <summary>The stream ended: a drop episode still open gets its line now, so no gap goes unrecorded.</summary>
    public void Complete()
    {
        lock (_gate)
        {
            if (_episodeDropped > 0)
                EndEpisode();
            _completed = true;
        }
    }

    private OfferResult Drop(ContainerLogEntry entry)
    {
        _episodeDropped++;
        DroppedTotal++;
        _lastDroppedNanos = Math.Max(_lastDroppedNanos, entry.UnixNanos);
        return OfferResult.Dropped;
    }

    private void EndEpisode()
    {
        // Stamped with the last dropped line's time, so the cursor moves past the gap and a restart does not refill it.
        var marker = new ContainerLogEntry(_lastDroppedNanos, PlatformStream, DroppedMessage(_episodeDropped));
        _lines.Enqueue(new BufferedLine(marker, _episodeDropped));
        _bytes += CostOf(marker);
        _episodeDropped = 0;
    }

    private void Enqueue(ContainerLogEntry entry, long cost)
    {
        _lines.Enqueue(new BufferedLine(entry, 0));
        _bytes += cost;
    }
}
