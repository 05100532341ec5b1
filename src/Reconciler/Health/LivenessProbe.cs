using System.Collections.Concurrent;
using PersonalCloud.Reconciler.Containers;

namespace PersonalCloud.Reconciler.Health;

/// <summary>
/// A worker's exec liveness check: its command run inside the replica (<c>sh -c</c>), exit 0 = alive. During a rollout
/// a replica counts as ready once it passed once (remembered in memory; a restarted reconciler asks again).
/// </summary>
public sealed class LivenessProbe(IContainerRuntime runtime)
{
    private readonly ConcurrentDictionary<string, bool> _passed = new(StringComparer.Ordinal);

    /// <summary>Runs the check; true when it exited 0 within <paramref name="timeout"/>.</summary>
    public async Task<bool> CheckAsync(string containerId, string command, TimeSpan timeout, CancellationToken ct)
    {
        var exitCode = await runtime.ExecAsync(containerId, DockerCreateParameters.ShellCommand(command), timeout, ct);
        return exitCode == 0;
    }

    /// <summary>True once the replica passed its check (it is asked again until it does).</summary>
    public async Task<bool> PassedOnceAsync(string containerId, string command, TimeSpan timeout, CancellationToken ct)
    {
        if (_passed.ContainsKey(containerId))
            return true;
        if (!await CheckAsync(containerId, command, timeout, ct))
            return false;
        _passed[containerId] = true;
        return true;
    }

    public void Forget(string containerId) => _passed.TryRemove(containerId, out _);
}
