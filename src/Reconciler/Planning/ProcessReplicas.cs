using PersonalCloud.Contracts.Apps;
using PersonalCloud.Reconciler.Containers;
using PersonalCloud.Reconciler.Desired;

namespace PersonalCloud.Reconciler.Planning;

/// <summary>
/// One wanted replica of a process of the release being planned: its newest running container with the process's spec
/// hash, a stopped one (exited, or refused by the engine), one created but not started, whether it passed its gate,
/// and its crash bookkeeping.
/// </summary>
internal sealed record ReplicaView(ProcessSpec Process, int Index, ObservedContainer? Running, ObservedContainer? Stopped,
    ObservedContainer? Created, bool Ready, CrashState Crashes)
{
    public ContainerSpec Spec => Process.ForReplica(Index);

    public string Upstream(ObservedContainer container) => $"{container.IpAddress}:{Process.Spec.Port}";
}

/// <summary>A process of the release being planned and its wanted replicas (indexes 0 to replicas - 1).</summary>
internal sealed record ProcessView(ProcessSpec Process, IReadOnlyList<ReplicaView> Replicas)
{
    public DesiredProcess Definition => Process.Process;

    /// <summary>Every wanted replica runs and passed its gate.</summary>
    public bool AllReady => Replicas.All(r => r.Ready);

    /// <summary>Pure: reads the observed containers for one process.</summary>
    public static ProcessView Of(ProcessSpec process, DesiredApp desired, DesiredRelease release, ObservedApp observed, DateTimeOffset now)
    {
        var candidates = observed.Containers
            .Where(c => c.SpecHash == process.Spec.SpecHash && c.Process == process.Process.Name)
            .OrderByDescending(c => c.CreatedAt)
            .ToList();
        var replicas = Enumerable.Range(0, process.Process.Replicas).Select(index =>
        {
            var mine = candidates.Where(c => c.Replica == index).ToList();
            var running = mine.FirstOrDefault(c => c.State == ContainerState.Running);
            var stopped = running is null ? mine.FirstOrDefault(c => c.State is ContainerState.Exited or ContainerState.Dead || c.StartError is not null) : null;
            var created = running is null && stopped is null ? mine.FirstOrDefault(c => c.State == ContainerState.Created) : null;
            return new ReplicaView(process, index, running, stopped, created, running is not null && IsReady(process.Process, running, observed, now),
                desired.CrashesOf(process.Process.Name, index));
        }).ToList();
        return new ProcessView(process, replicas);
    }

    /// <summary>
    /// A web replica is ready once it passed its health check (or already receives traffic: the rollout gate is behind
    /// it); a worker once it ran <see cref="PlanTiming.WorkerSettle"/> without exiting, and passed its liveness command
    /// once when it has one.
    /// </summary>
    private static bool IsReady(DesiredProcess process, ObservedContainer running, ObservedApp observed, DateTimeOffset now) =>
        process.IsWeb
            ? observed.Ready.Contains(running.Id) || observed.InRoute(running)
            : now - running.CreatedAt >= PlanTiming.WorkerSettle && (process.LivenessCommand is null || observed.Ready.Contains(running.Id));
}

/// <summary>A replica of the release being planned that failed: it stopped, the engine refused it, or it never became healthy.</summary>
internal sealed record ReplicaFailure(ReplicaView Replica, ObservedContainer Container, string Reason, int? ExitCode, string Stage, bool NeverHealthy)
{
    /// <summary>Every failure among <paramref name="views"/>, in process and replica order. Pure.</summary>
    public static IReadOnlyList<ReplicaFailure> Find(IReadOnlyList<ProcessView> views, DesiredRelease release, DateTimeOffset now)
    {
        var failures = new List<ReplicaFailure>();
        foreach (var replica in views.SelectMany(v => v.Replicas))
        {
            if (replica.Stopped is { } stopped)
            {
                var (reason, stage) = stopped.StartError is { } error
                    ? ($"the engine could not start the container: {error}", ReleaseStages.Starting)
                    : (ExitReasons.Describe(stopped, replica.Process.Process.Limits), ReleaseStages.HealthChecking);
                failures.Add(new ReplicaFailure(replica, stopped, reason, stopped.ExitCode, stage, NeverHealthy: false));
            }
            else if (replica.Running is { } running && !replica.Ready && replica.Process.Process.IsWeb && now - running.CreatedAt > release.Health.DeployDeadline)
            {
                failures.Add(new ReplicaFailure(replica, running,
                    $"the container never passed its health check ({release.Health.Path}) within {release.Health.DeployDeadline.TotalSeconds:0}s", null,
                    ReleaseStages.HealthChecking, NeverHealthy: true));
            }
        }

        return failures;
    }

    /// <summary>Names the process and replica when the app has more than its one web replica ("process worker, replica 1: ...").</summary>
    public string Describe(IReadOnlyList<ProcessView> views) =>
        views.Count == 1 && views[0].Replicas.Count == 1 && Replica.Process.Process.IsWeb
            ? Reason
            : $"process {Replica.Process.Process.Name}, replica {Replica.Index}: {Reason}";
}
