using System.Collections.Concurrent;

namespace PersonalCloud.Reconciler.Containers;

/// <summary>
/// Containers the engine reported dead (<c>die</c>) that it may still list as running for a moment: it sends the event
/// before its clean-up (releasing the network, measured ~2 s here) and only then changes the state. A pass that sees one
/// waits for the engine's view instead of planning on a container that is gone (it would take it for a new container
/// waiting for its health check). An entry leaves once the engine lists the container stopped or gone, or after a minute.
/// </summary>
public sealed class DyingContainers(TimeProvider time)
{
    public static readonly TimeSpan Expiry = TimeSpan.FromMinutes(1);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _died = new(StringComparer.Ordinal);

    public void Died(string containerId)
    {
        var now = time.GetUtcNow();
        foreach (var (id, at) in _died)
        {
            if (now - at > Expiry)
                _died.TryRemove(id, out _);
        }

        _died[containerId] = now;
    }

    /// <summary>True when one of <paramref name="containers"/> (one app's, as listed) died but is still listed running.</summary>
    public bool AnyStillListedRunning(IReadOnlyList<ObservedContainer> containers)
    {
        ArgumentNullException.ThrowIfNull(containers);
        var now = time.GetUtcNow();
        var waiting = false;
        foreach (var container in containers)
        {
            if (!_died.TryGetValue(container.Id, out var at))
                continue;
            if (container.State != ContainerState.Running || now - at > Expiry)
                _died.TryRemove(container.Id, out _);
            else
                waiting = true;
        }

        return waiting;
    }
}
