using System.Threading.Channels;

namespace PersonalCloud.Reconciler.Loop;

/// <summary>
/// A de-duplicating queue of app ids (client-go workqueue semantics): an id waits at most once, and an id being
/// processed is never handed to a second worker; added again meanwhile, it is queued once it is done.
/// </summary>
public sealed class WorkQueue(TimeProvider time)
{
    private readonly Channel<Guid> _ready = Channel.CreateUnbounded<Guid>();
    private readonly HashSet<Guid> _dirty = [];
    private readonly HashSet<Guid> _processing = [];
    private readonly Lock _lock = new();

    public void Add(Guid key)
    {
        lock (_lock)
        {
            if (!_dirty.Add(key) || _processing.Contains(key))
                return;
        }

        _ready.Writer.TryWrite(key);
    }

    public void AddAfter(Guid key, TimeSpan delay)
    {
        if (delay <= TimeSpan.Zero)
        {
            Add(key);
            return;
        }

        ITimer? timer = null;
        timer = time.CreateTimer(_ =>
        {
            Add(key);
            timer?.Dispose();
        }, null, delay, Timeout.InfiniteTimeSpan);
    }

    public async ValueTask<Guid> TakeAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var key = await _ready.Reader.ReadAsync(cancellationToken);
            lock (_lock)
            {
                if (!_dirty.Remove(key))
                    continue;
                _processing.Add(key);
                return key;
            }
        }
    }

    public void Done(Guid key)
    {
        bool requeue;
        lock (_lock)
        {
            _processing.Remove(key);
            requeue = _dirty.Contains(key);
        }

        if (requeue)
            _ready.Writer.TryWrite(key);
    }

    public int Pending
    {
        get
        {
            lock (_lock)
                return _dirty.Count;
        }
    }
}
