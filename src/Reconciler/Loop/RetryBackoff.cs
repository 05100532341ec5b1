namespace PersonalCloud.Reconciler.Loop;

/// <summary>Capped exponential backoff with jitter, per app; reset when a pass succeeds.</summary>
public sealed class RetryBackoff(TimeSpan initial, TimeSpan max, Func<double> jitter)
{
    private readonly Dictionary<Guid, int> _failures = [];
    private readonly Lock _lock = new();

    public TimeSpan NextDelay(Guid key) => Next(key).Delay;

    /// <summary>Counts one more failure of <paramref name="key"/>: the delay before its next attempt, and how many failed in a row.</summary>
    public (TimeSpan Delay, int Attempt) Next(Guid key)
    {
        int failures;
        lock (_lock)
        {
            failures = _failures.GetValueOrDefault(key) + 1;
            _failures[key] = failures;
        }

        return (Delay(failures, initial, max, jitter()), failures);
    }

    public void Reset(Guid key)
    {
        lock (_lock)
            _failures.Remove(key);
    }

    /// <summary>Pure: initial * 2^(failures-1), capped, scaled by a jitter factor in [0.8, 1.2].</summary>
    public static TimeSpan Delay(int failures, TimeSpan initial, TimeSpan max, double jitter01)
    {
        var exponent = Math.Min(failures - 1, 30);
        var raw = Math.Min(initial.TotalMilliseconds * Math.Pow(2, exponent), max.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(raw * (0.8 + 0.4 * Math.Clamp(jitter01, 0, 1)));
    }
}
