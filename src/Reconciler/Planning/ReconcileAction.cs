using PersonalCloud.Reconciler.Containers;
using PersonalCloud.Reconciler.Routing;

namespace PersonalCloud.Reconciler.Planning;

/// <summary>One step the reconciler takes; each carries why, for the logs and the status.</summary>
public abstract record ReconcileAction(string Reason);

public sealed record EnsureNetwork(string NetworkName, string Reason) : ReconcileAction(Reason);

public sealed record StartContainer(ContainerSpec Spec, string Reason) : ReconcileAction(Reason);

public sealed record RouteTraffic(AppRoute Route, string Reason) : ReconcileAction(Reason);

public sealed record RemoveRoute(string Reason) : ReconcileAction(Reason);

public sealed record RemoveContainer(ObservedContainer Container, string Reason) : ReconcileAction(Reason);

public sealed record RemoveNetwork(string NetworkName, string Reason) : ReconcileAction(Reason);

/// <summary>How the app stands after the plan's actions, for the status written back to Postgres.</summary>
public enum AppPhase
{
    Deleted,
    Created,
    Deploying,
    Running,
    Failed,
}

/// <param name="ServingReleaseId">The release whose container receives traffic after the actions, if any.</param>
/// <param name="FailRelease">A reason when the desired release has failed for good (terminal until a new deploy).</param>
/// <param name="RequeueAfter">When to look again; null when converged.</param>
/// <param name="ContainerExited">A desired container exited and is being replaced (counts as a restart).</param>
public sealed record ReconcilePlan(
    IReadOnlyList<ReconcileAction> Actions,
    AppPhase Phase,
    Guid? ServingReleaseId,
    string? FailRelease,
    TimeSpan? RequeueAfter,
    bool ContainerExited = false,
    string? LastError = null);
