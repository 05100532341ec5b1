using PersonalCloud.Reconciler.Containers;
using PersonalCloud.Reconciler.Desired;

namespace PersonalCloud.Reconciler.Health;

/// <summary>
/// The rollout's health gate for a container that gets no traffic yet: probes it every few milliseconds inside one
/// pass until it passed the release's healthy threshold in a row, the budget or the deploy deadline runs out, or the
/// engine says it stopped. A requeue per probe would re-read Postgres and Docker between probes; this only probes.
/// </summary>
public sealed class HealthGate(IContainerRuntime runtime, HttpProbe probe, HealthStreaks streaks, TimeProvider time)
{
    /// <summary>Between two probes of a container that is starting.</summary>
    public static readonly TimeSpan ProbeInterval = TimeSpan.FromMilliseconds(5);

    /// <summary>How often the engine is asked whether the container still runs (a stopped one fails its probes slowly).</summary>
    public static readonly TimeSpan StateCheckInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>How long one pass keeps probing before it hands back to the loop (which re-reads everything).</summary>
    public static readonly TimeSpan Budget = TimeSpan.FromSeconds(1);

    /// <summary>Waits for the container just created under <paramref name="containerName"/>; false when it is gone or has no address.</summary>
    public async Task<bool> WaitHealthyAsync(string containerName, int port, ReleaseHealth health, CancellationToken ct) =>
        await runtime.InspectAsync(containerName, ct) is { State: ContainerState.Running, IpAddress: not null } started
        && await WaitHealthyAsync(started, port, health, ct);

    /// <summary>True once the container passed <see cref="ReleaseHealth.HealthyThreshold"/> probes in a row (counted across passes).</summary>
    public async Task<bool> WaitHealthyAsync(ObservedContainer container, int port, ReleaseHealth health, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(container);
        ArgumentNullException.ThrowIfNull(health);
        var ip = container.IpAddress ?? throw new ArgumentException("The container has no address to probe.", nameof(container));
        var started = time.GetTimestamp();
        var untilDeadline = container.CreatedAt + health.DeployDeadline - time.GetUtcNow();
        var budget = untilDeadline < Budget ? untilDeadline : Budget;
        var stateCheckedAt = started;
        while (true)
        {
            // Each probe keeps the release's own timeout: the budget only decides whether to start another.
            var result = await probe.CheckAsync(ip, port, health.Path, health.Timeout, ct);
            if (streaks.Record(container.Id, result.Healthy) >= health.HealthyThreshold)
                return true;
            if (time.GetElapsedTime(started) + ProbeInterval >= budget)
                return false;
            if (time.GetElapsedTime(stateCheckedAt) >= StateCheckInterval)
            {
                stateCheckedAt = time.GetTimestamp();
                if (await runtime.InspectAsync(container.Id, ct) is not { State: ContainerState.Running })
                    return false;
            }

            await Task.Delay(ProbeInterval, time, ct);
        }
    }
}
