using PersonalCloud.Contracts.Apps;
using PersonalCloud.Reconciler.Containers;
using PersonalCloud.Reconciler.Desired;
using PersonalCloud.Reconciler.Routing;

namespace PersonalCloud.Reconciler.Planning;

/// <summary>Desired state of one app, the container spec it implies and what is observed in: a plan of actions out. No I/O.</summary>
public static class AppPlanner
{
    public static ReconcilePlan Plan(PlanInput input)
    {
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

        if (desired.Release is not { } release || release.Status == ReleaseStatus.Failed || input.Spec is null)
            return PlanIdle(input, desired);

        return RolloutPlanner.Plan(input, desired, release, input.Spec);
    }

    private static ReconcilePlan PlanDeletion(Guid appId, ObservedApp observed)
    {
        var actions = new List<ReconcileAction>();
        if (observed.Route is not null)
            actions.Add(new RemoveRoute("the app was deleted"));
        actions.AddRange(observed.Containers.Select(c => new RemoveContainer(c, PlanTiming.DefaultStopTimeout, "the app was deleted")));
        if (observed.NetworkExists)
            actions.Add(new RemoveNetwork(ContainerSpecs.NetworkName(appId), "the app was deleted"));
        return new ReconcilePlan(actions, AppPhase.Deleted, null, null);
    }

    /// <summary>Nothing new to run (never deployed, or the desired release failed): the app's network exists, whatever serves keeps serving, 503 otherwise.</summary>
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
        var requeue = RemoveUnserved(input, serving, keep: null, actions);

        var failed = desired.Release?.Status == ReleaseStatus.Failed;
        var phase = serving.Count > 0 ? AppPhase.Running : failed ? AppPhase.Failed : AppPhase.Created;
        return new ReconcilePlan(actions, phase, serving.FirstOrDefault()?.ReleaseId, requeue,
            LastError: failed ? desired.Release!.FailureReason : null);
    }

    /// <summary>
    /// Removes running containers that no longer receive traffic once Caddy can no longer be using them (the route's
    /// last change plus the refresh plus the drain period), and stopped ones at once. Returns when to look again.
    /// </summary>
    internal static TimeSpan? RemoveUnserved(PlanInput input, IReadOnlyList<ObservedContainer> serving, ObservedContainer? keep, List<ReconcileAction> actions)
    {
        var drain = input.Desired?.Release?.Rollout.Drain ?? TimeSpan.Zero;
        var stop = input.Desired?.Release?.Rollout.StopTimeout ?? PlanTiming.DefaultStopTimeout;
        var drainedAt = (input.Observed.Route?.UpdatedAt ?? DateTimeOffset.MinValue) + PlanTiming.RouteRefresh + drain;
        TimeSpan? requeue = null;
        foreach (var c in input.Observed.Containers.Where(c => c != keep && !serving.Contains(c)))
        {
            if (c.State != ContainerState.Running)
                actions.Add(new RemoveContainer(c, stop, c.OomKilled
                    ? $"container is {c.State.ToString().ToLowerInvariant()} ({ExitReasons.Describe(c, input.Spec?.Limits ?? input.Desired?.Release?.Limits)})"
                    : $"container is {c.State.ToString().ToLowerInvariant()} (exit code {c.ExitCode?.ToString() ?? "none"})"));
            else if (input.Now >= drainedAt)
                actions.Add(new RemoveContainer(c, stop, "no longer receives traffic and has drained"));
            else
                requeue = drainedAt - input.Now;
        }

        return requeue;
    }

    internal static AppRoute RouteFor(DesiredApp desired, IEnumerable<string> upstreams) =>
        new(desired.Id, desired.Name, desired.Hostnames.Order(StringComparer.Ordinal).ToList(), upstreams.Order(StringComparer.Ordinal).ToList());

    public static bool SameRoute(AppRoute? observed, AppRoute desired) =>
        observed is not null &&
        observed.Hostnames.Order(StringComparer.Ordinal).SequenceEqual(desired.Hostnames.Order(StringComparer.Ordinal)) &&
        observed.Upstreams.Order(StringComparer.Ordinal).SequenceEqual(desired.Upstreams.Order(StringComparer.Ordinal));
}
