using PersonalCloud.Reconciler.Routing;

namespace PersonalCloud.Reconciler.Planning;

/// <summary>The route a rollout pass wants, and the route as it stands once the pass changed it (drain timing starts there).</summary>
internal sealed record RoutePlan(IReadOnlyList<ReconcileAction> Actions, ObservedRoute? Effective);

internal static class RolloutRoute
{
    /// <summary>
    /// The web process's upstreams: before a new release switches, whatever serves; once it switches, exactly its ready
    /// replicas. Within the serving release a ready replica joins at once, and the process's old replicas leave once all
    /// of its replicas are ready. No web process (or none ready, nothing serving): the hostnames answer 503.
    /// </summary>
    public static RoutePlan Plan(RolloutContext context, bool switchNow, Func<ProcessView, bool> switched)
    {
        var (input, desired, _, views, serving, isNewRelease) = context;
        var observed = input.Observed;
        var web = views.FirstOrDefault(v => v.Definition.IsWeb);
        var servingUpstreams = observed.Route?.Route.Upstreams
            .Where(u => serving.Any(c => u.StartsWith(c.IpAddress + ":", StringComparison.Ordinal))).ToList() ?? [];
        var ready = web?.Replicas.Where(r => r.Ready).Select(r => r.Upstream(r.Running!)).ToList() ?? [];
        IReadOnlyList<string> upstreams = isNewRelease
            ? (switchNow ? ready : servingUpstreams)
            : web is null ? [] : switched(web) ? ready : servingUpstreams.Union(ready).ToList();

        var route = AppPlanner.RouteFor(desired, upstreams);
        if (AppPlanner.SameRoute(observed.Route?.Route, route))
            return new RoutePlan([], observed.Route);

        var before = observed.Route?.Route.Upstreams.Order(StringComparer.Ordinal).ToList();
        var upstreamsChanged = before is null || !before.SequenceEqual(route.Upstreams, StringComparer.Ordinal);
        var reason = before is null && route.Upstreams.Count == 0 ? "the app's hostnames answer 503 until a release is healthy"
            : !upstreamsChanged ? "the app's hostnames changed"
            : route.Upstreams.Count == 0 ? "nothing healthy to serve: answer 503"
            : isNewRelease && switchNow ? "the new release is healthy: switch traffic to it"
            : before!.Count == 0 || !before.Intersect(route.Upstreams).Any() ? "the new container is healthy: switch traffic to it"
            : $"healthy replicas of {web?.Definition.Name ?? "web"} serve: {route.Upstreams.Count} upstreams";
        // Traffic moves now: containers that served until this moment drain from now on.
        var effective = new ObservedRoute(route, upstreamsChanged ? input.Now : observed.Route!.UpdatedAt);
        return new RoutePlan([new RouteTraffic(route, reason)], effective);
    }

    /// <summary>
    /// With nothing serving, the hostnames answer 503 rather than proxying to a dead address: before any removal (whose
    /// log catch-up and stop take time), right after the network.
    /// </summary>
    public static void EnsureUnavailable(RolloutContext context, List<ReconcileAction> actions)
    {
        if (context.Serving.Count > 0)
            return;
        var empty = AppPlanner.RouteFor(context.Desired, []);
        if (!AppPlanner.SameRoute(context.Input.Observed.Route?.Route, empty))
            actions.Insert(actions.TakeWhile(a => a is EnsureNetwork).Count(), new RouteTraffic(empty, "nothing healthy to serve: answer 503"));
    }
}
