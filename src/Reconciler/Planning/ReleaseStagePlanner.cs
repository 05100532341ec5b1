using PersonalCloud.Contracts.Apps;
using PersonalCloud.Contracts.Labels;

namespace PersonalCloud.Reconciler.Planning;

/// <summary>
/// Pure: which stage of the desired release a pass reaches, and when in the pass it begins. The release command begins
/// as its container is created; starting as the first replica's container is created, health-checking once the engine
/// started it, switching as traffic (or, without a web process, the old workers) moves to it; after the pass, a serving
/// release whose old containers still drain is draining, and one with nothing left to drain is live. The writer records
/// each stage once and nothing after live, so restarts of a live release add no stages.
/// </summary>
public static class ReleaseStagePlanner
{
    /// <summary>The stage that begins as <paramref name="action"/> is about to be taken; null when none does.</summary>
    public static string? Before(ReconcileAction action, Guid releaseId, ReconcilePlan plan) => action switch
    {
        StartContainer { Spec.Kind: ContainerLabels.KindReleaseCommand } start when start.Spec.ReleaseId == releaseId => ReleaseStages.ReleaseCommand,
        StartContainer start when start.Spec.ReleaseId == releaseId => ReleaseStages.Starting,
        RouteTraffic route when route.Route.Upstreams.Count > 0 && plan.ServingReleaseId == releaseId => ReleaseStages.Switching,
        RemoveContainer { Container.State: Containers.ContainerState.Running } when plan.SwitchesRelease && plan.ServingReleaseId == releaseId => ReleaseStages.Switching,
        _ => null,
    };

    /// <summary>The stage that begins once <paramref name="action"/> succeeded; null when none does.</summary>
    public static string? After(ReconcileAction action, Guid releaseId) =>
        action is StartContainer { Spec.Kind: ContainerLabels.KindProcess } start && start.Spec.ReleaseId == releaseId ? ReleaseStages.HealthChecking : null;

    /// <summary>Where the release stands when the pass is done: draining while old containers drain, else live; null when it does not serve.</summary>
    public static string? AfterPass(ReconcilePlan plan, Guid releaseId)
    {
        if (plan.ServingReleaseId != releaseId || plan.Phase != AppPhase.Running)
            return null;
        return plan.RequeueAfter is null ? ReleaseStages.Live : ReleaseStages.Draining;
    }
}
