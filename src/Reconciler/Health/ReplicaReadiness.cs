using PersonalCloud.Reconciler.Containers;
using PersonalCloud.Reconciler.Desired;
using PersonalCloud.Reconciler.Routing;
using PersonalCloud.Reconciler.Status;

namespace PersonalCloud.Reconciler.Health;

/// <summary>
/// Which wanted replicas passed their gate, probed together: a web replica its health check (one already in the route is
/// behind the gate: the health monitor watches it), a worker with a liveness command that command once.
/// </summary>
public sealed class ReplicaReadiness(HealthGate healthGate, LivenessProbe liveness, ContainerLifecycle lifecycle)
{
    public async Task<IReadOnlySet<string>> ReadyAsync(IReadOnlyList<ObservedContainer> containers, ObservedRoute? route,
        IReadOnlyList<ProcessSpec>? processes, DesiredRelease? release, CancellationToken ct)
    {
        if (processes is null || release is null)
            return new HashSet<string>();
        var checks = new List<Task<string?>>();
        foreach (var process in processes)
        {
            var candidates = containers
                .Where(c => c.SpecHash == process.Spec.SpecHash && c.Process == process.Process.Name && c.Replica < process.Process.Replicas)
                .Where(c => c.State == ContainerState.Running && c.IpAddress is not null)
                .GroupBy(c => c.Replica)
                .Select(g => g.MaxBy(c => c.CreatedAt)!);
            foreach (var candidate in candidates)
                checks.Add(CheckAsync(candidate, process, route, release, ct));
        }

        var ready = await Task.WhenAll(checks);
        return ready.OfType<string>().ToHashSet(StringComparer.Ordinal);
    }

    private async Task<string?> CheckAsync(ObservedContainer candidate, ProcessSpec process, ObservedRoute? route, DesiredRelease release, CancellationToken ct)
    {
        if (process.Process.IsWeb)
        {
            if (route?.Route.Upstreams.Contains($"{candidate.IpAddress}:{process.Spec.Port}") == true)
                return candidate.Id;
            if (!await healthGate.WaitHealthyAsync(candidate, process.Spec.Port, release.Health, ct))
                return null;
            await lifecycle.HealthyAsync(candidate.Id, ct);
            return candidate.Id;
        }

        return process.Process.LivenessCommand is { } command && await liveness.PassedOnceAsync(candidate.Id, command, release.Health.Timeout, ct)
            ? candidate.Id
            : null;
    }
}
