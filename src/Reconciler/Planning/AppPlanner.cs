using PersonalCloud.Contracts.Apps;
using PersonalCloud.Reconciler.Containers;
using PersonalCloud.Reconciler.Desired;
using PersonalCloud.Reconciler.Routing;

namespace PersonalCloud.Reconciler.Planning;

/// <summary>Desired state of one app, the container specs it implies and what is observed in: a plan of actions out. No I/O.</summary>
public static class AppPlanner
{
    public static ReconcilePlan Plan(PlanInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var desired = input.Desired;
        if (desired is null)
            return PlanDeletion(input.AppId, input.Observed);

        if (input.ImageError is not null && desired.Release is { } broken)
        {
            var idle = PlanIdle(input, desired);
            var reason = $"release {broken.Id}: {input.ImageError}";
            // The image is had as the container starts: a release without one fails at starting.
            return idle with
            {
                FailRelease = input.ImageError, FailedStage = ReleaseStages.Starting, LastError = reason,
                Phase = idle.ServingReleaseId is null ? AppPhase.Failed : idle.Phase,
            };
        }

        // A failed deploy leaves every process on the release that served: it is planned as the serving one (its crashed
        // replicas restart, a scale applies to it), and the failure stays the app's last error.
        if (desired.Release is { Status: ReleaseStatus.Failed } failed && input.Fallback is { } fallback)
        {
            var serving = RolloutPlanner.Plan(input, desired, fallback.Release, fallback.Processes, isNewRelease: false);
            return serving with { LastError = serving.LastError ?? failed.FailureReason, CancelReleasesBefore = null };
        }

        if (desired.Release is not { } release || release.Status == ReleaseStatus.Failed || input.Processes is null)
            return PlanIdle(input, desired);

        return RolloutPlanner.Plan(input, desired, release, input.Processes, isNewRelease: release.Id != desired.CurrentReleaseId);
    }

    private static ReconcilePlan PlanDeletion(Guid appId, ObservedApp observed)
    {
        var actions = new List<ReconcileAction>();
        if (observed.Route is not null)
            actions.Add(new RemoveRoute("the app was deleted"));
        // Everything of the app goes, whatever its kind: its network cannot be removed while a container is attached.
        var all = observed.Containers.Concat(observed.ReleaseCommands ?? []).Concat(observed.Others ?? []);
        actions.AddRange(all.Select(c => new RemoveContainer(c, PlanTiming.DefaultStopTimeout, "the app was deleted")));
        if (observed.NetworkExists)
            actions.Add(new RemoveNetwork(ContainerSpecs.NetworkName(appId), "the app was deleted"));
        return new ReconcilePlan(actions, AppPhase.Deleted, null, null);
    }

    /// <summary>
    /// Nothing new to run (never deployed, or the desired release failed and the one before cannot be planned): the app's
    /// network exists, whatever serves keeps serving (web replicas in the route, the current release's workers), 503 otherwise.
    /// </summary>
    private static ReconcilePlan PlanIdle(PlanInput input, DesiredApp desired)
    {
        var observed = input.Observed;
        var serving = observed.Serving();
        var actions = new List<ReconcileAction>();
        // The network belongs to the app, not to a release: ready before the first deploy, which then only starts a container.
        if (!observed.NetworkExists)
            actions.Add(new EnsureNetwork(ContainerSpecs.NetworkName(desired.Id), "the app's network is missing"));
        var route = RouteFor(desired, observed.Route is { } r && serving.Count > 0 ? r.Route.Upstreams : []);
        if (!SameRoute(observed.Route?.Route, route))
            actions.Add(new RouteTraffic(route, serving.Count == 0 ? "no release is running: answer 503" : "the app's hostnames changed"));
        var workers = observed.Containers.Where(c => c.IsWorker && c.State == ContainerState.Running && c.ReleaseId == desired.CurrentReleaseId && c.ReleaseId is not null);
        var keep = serving.Concat(workers).Select(c => c.Id).ToHashSet(StringComparer.Ordinal);
        var timing = desired.Release?.Rollout ?? new RolloutTiming(TimeSpan.Zero, PlanTiming.DefaultStopTimeout);
        var requeue = ContainerRemovals.RemoveUnwanted(input, observed.Route, keep, timing, desired.Release?.Limits, actions);
        ContainerRemovals.RemoveReleaseCommands(observed, keep: null, timing.StopTimeout, actions);

        var failed = desired.Release?.Status == ReleaseStatus.Failed;
        var running = serving.Count > 0 || keep.Count > 0;
        var phase = running ? AppPhase.Running : failed ? AppPhase.Failed : AppPhase.Created;
        return new ReconcilePlan(actions, phase, serving.FirstOrDefault()?.ReleaseId ?? (keep.Count > 0 ? desired.CurrentReleaseId : null), requeue,
            LastError: failed ? desired.Release!.FailureReason : null);
    }

    internal static AppRoute RouteFor(DesiredApp desired, IEnumerable<string> upstreams) =>
        new(desired.Id, desired.Name, desired.Hostnames.Order(StringComparer.Ordinal).ToList(), upstreams.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList());

    public static bool SameRoute(AppRoute? observed, AppRoute desired) =>
        observed is not null &&
        observed.Hostnames.Order(StringComparer.Ordinal).SequenceEqual(desired.Hostnames.Order(StringComparer.Ordinal)) &&
        observed.Upstreams.Order(StringComparer.Ordinal).SequenceEqual(desired.Upstreams.Order(StringComparer.Ordinal));
}
