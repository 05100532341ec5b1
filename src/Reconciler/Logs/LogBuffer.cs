using PersonalCloud.Reconciler.Containers;

namespace PersonalCloud.Reconciler.Logs;

/// <summary>How much one container's follower may hold and write at once, and how far behind it may follow live.</summary>
/// <param name="MaxLag">
/// A live follow that falls further behind than this is left for snapshot reads: the engine's follower skips a whole
/// rotated file when the writer rotates twice past it, a snapshot read never does.
/// </param>
public sealed record LogBufferLimits(int MaxLines, long MaxBytes, int BatchLines, long BatchBytes, TimeSpan MaxLag)
{
    public static readonly LogBufferLimits Default = new(
        MaxLines: 20_000, MaxBytes: 8 * 1024 * 1024, BatchLines: 5_000, BatchBytes: 2 * 1024 * 1024, MaxLag: TimeSpan.FromSeconds(1));
}

public enum OfferResult
{
    /// <summary>Queued for storage.</summary>
    Accepted,

    /// <summary>The buffer is full: wait for the writer to make room, then offer it again (the engine keeps the line meanwhile).</summary>
    Full,
}

/// <summary>A line to store; <see cref="IsPlatform"/> marks a line the platform wrote (a gap left by the engine's log rotation).</summary>
public readonly record struct BufferedLine(ContainerLogEntry Entry)
{
    public bool IsPlatform => Entry.Stream == LogBuffer.PlatformStream;
}

/// <summary>
/// One container's bounded queue between the engine's stream and Postgres, capped in lines and bytes. A full buffer only
/// pushes back: the reader stops reading and the engine keeps the lines in its log file, so nothing the engine still
/// holds is ever dropped here. Pure: no clock, no I/O.
/// </summary>
public sealed class LogBuffer(LogBufferLimits limits)
{
    public const string PlatformStream = "platform";

    private const long EntryOverheadBytes = 96;
    private readonly Queue<BufferedLine> _lines = new();
    private readonly Lock _gate = new();
    private long _bytes;
    private bool _completed;

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

    /// <param name="wasEmpty">True when the buffer was empty before this line: the writer may be waiting for it.</param>
    public OfferResult Offer(ContainerLogEntry entry, out bool wasEmpty)
    {
        var cost = CostOf(entry);
        lock (_gate)
        {
            wasEmpty = _lines.Count == 0;
            if (_lines.Count > 0 && (_lines.Count >= limits.MaxLines || _bytes + cost > limits.MaxBytes))
                return OfferResult.Full;
            _lines.Enqueue(new BufferedLine(entry));
            _bytes += cost;
            return OfferResult.Accepted;
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

    /// <summary>Nothing more will be offered.</summary>
    public void Complete()
    {
        lock (_gate)
            _completed = true;
    }
}
