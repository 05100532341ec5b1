using System.Collections.Concurrent;

namespace PersonalCloud.Reconciler.Health;

/// <summary>Consecutive passed probes per new container, for the healthy threshold of a rollout. In memory: a restart re-probes.</summary>
public sealed class HealthStreaks
{
    private readonly ConcurrentDictionary<string, int> _passes = new();

    /// <summary>Records one probe and returns how many passed in a row.</summary>
    public int Record(string containerId, bool passed) =>
        passed ? _passes.AddOrUpdate(containerId, 1, (_, n) => n + 1) : _passes[containerId] = 0;

    public void Forget(string containerId) => _passes.TryRemove(containerId, out _);
}
