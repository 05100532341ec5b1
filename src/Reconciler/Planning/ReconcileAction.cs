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
public sealed record RemoveContainer(ObservedContainer Container, TimeSpan StopTimeout, string Reason) : ReconcileAction(Reason);

public sealed record RemoveNetwork(string NetworkName, string Reason) : ReconcileAction(Reason);

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

/// <param name="ServingReleaseId">The release whose container receives traffic after the actions, if any.</param>
/// <param name="FailRelease">Why the desired release failed for good (terminal until a new deploy), when it did.</param>
/// <param name="FailedStage">The stage (<see cref="Contracts.Apps.ReleaseStages"/>) the release failed at, with <paramref name="FailRelease"/>.</param>
/// <param name="RequeueAfter">When to look again; null when converged.</param>
/// <param name="Crash">Crash bookkeeping to write, when it changes.</param>
/// <param name="CancelReleasesBefore">The desired release: every other pending release of the app lost to it (latest wins, whatever order the deploys were written in).</param>
public sealed record ReconcilePlan(
    IReadOnlyList<ReconcileAction> Actions,
    AppPhase Phase,
    Guid? ServingReleaseId,
    TimeSpan? RequeueAfter,
    string? FailRelease = null,
    string? LastError = null,
    CrashUpdate? Crash = null,
    bool Restarted = false,
    Guid? CancelReleasesBefore = null,
    string? FailedStage = null);
