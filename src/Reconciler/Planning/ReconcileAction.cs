using PersonalCloud.Reconciler.Containers;
using PersonalCloud.Reconciler.Routing;

namespace PersonalCloud.Reconciler.Planning;

/// <summary>One step the reconciler takes; each carries why, for the logs and the event journal.</summary>
public abstract record ReconcileAction(string Reason);

public sealed record EnsureNetwork(string NetworkName, string Reason) : ReconcileAction(Reason);

public sealed record StartContainer(ContainerSpec Spec, string Reason) : ReconcileAction(Reason);

public sealed record RouteTraffic(AppRoute Route, string Reason) : ReconcileAction(Reason);

public sealed record RemoveRoute(string Reason) : ReconcileAction(Reason);

/// <param name="StopTimeout">SIGTERM, then SIGKILL after this long.</param>
/// <param name="WaitForRoute">A container that may have had traffic: removed only once the route DNS responder serves the route without it.</param>
public sealed record RemoveContainer(ObservedContainer Container, TimeSpan StopTimeout, string Reason, bool WaitForRoute = true) : ReconcileAction(Reason);

public sealed record RemoveNetwork(string NetworkName, string Reason) : ReconcileAction(Reason);

/// <summary>The release's release command exited 0: recorded before its container goes, so it never runs twice.</summary>
public sealed record RecordReleaseCommand(Guid ReleaseId, string Reason) : ReconcileAction(Reason);

/// <summary>How the app stands after the plan's actions, for the status written back to Postgres.</summary>
public enum AppPhase
{
    Deleted,
    Created,
    Deploying,
    Running,
    CrashLooping,
    Failed,
}

/// <summary>The crash bookkeeping to write: a new crash, or a reset after a long clean run.</summary>
/// <param name="Reason">Why it crashed this time, in words (an OOM kill, the last log line).</param>
public sealed record CrashUpdate(int Count, int? LastExitCode, DateTimeOffset? LastCrashAt, DateTimeOffset? RestartNotBefore, string? Reason = null);

/// <summary>
/// One wanted replica after the plan's actions (see <see cref="Contracts.Processes.ReplicaStatuses"/>), and its crash
/// bookkeeping to write when it changes; <paramref name="Restarted"/> when it crashed and will be started again.
/// </summary>
public sealed record ReplicaStatus(string Process, int Index, string Status, string? ContainerId, Guid? ReleaseId, CrashUpdate? Crash = null,
    bool Restarted = false);

/// <param name="ServingReleaseId">The release whose containers serve after the actions, if any.</param>
/// <param name="FailRelease">Why the desired release failed for good (terminal until a new deploy), when it did.</param>
/// <param name="FailedStage">The stage (<see cref="Contracts.Apps.ReleaseStages"/>) the release failed at, with <paramref name="FailRelease"/>.</param>
/// <param name="RequeueAfter">When to look again; null when converged.</param>
/// <param name="CancelReleasesBefore">The desired release: every other pending release of the app lost to it (latest wins, whatever order the deploys were written in).</param>
/// <param name="Replicas">The wanted replicas of the release that runs; null leaves the recorded ones as they are.</param>
/// <param name="SwitchesRelease">This pass moves the app to the desired release (traffic, old workers): its switching stage begins.</param>
public sealed record ReconcilePlan(
    IReadOnlyList<ReconcileAction> Actions,
    AppPhase Phase,
    Guid? ServingReleaseId,
    TimeSpan? RequeueAfter,
    string? FailRelease = null,
    string? LastError = null,
    Guid? CancelReleasesBefore = null,
    string? FailedStage = null,
    IReadOnlyList<ReplicaStatus>? Replicas = null,
    bool SwitchesRelease = false)
{
    /// <summary>The first replica's crash bookkeeping to write (the app's summary), if any.</summary>
    public CrashUpdate? Crash => Replicas?.Select(r => r.Crash).FirstOrDefault(c => c is not null);

    /// <summary>How many replicas crashed in this pass and will be started again.</summary>
    public int Restarts => Replicas?.Count(r => r.Restarted) ?? 0;

    public bool Restarted => Restarts > 0;
}
