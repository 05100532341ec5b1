using PersonalCloud.Contracts.Apps;
using PersonalCloud.Reconciler.Containers;
using PersonalCloud.Reconciler.Desired;
using PersonalCloud.Reconciler.Routing;

namespace PersonalCloud.Reconciler.Planning;

/// <summary>Desired state of one app, the container spec it implies, and what is observed in: a plan of actions out. No I/O.</summary>
public static class AppPlanner
{
    public static readonly TimeSpan HealthPoll = TimeSpan.FromMilliseconds(200);

    /// <param name="spec">The container the desired release implies; null when nothing is to run.</param>
    /// <param name="imageError">Why the desired release's image cannot be had, when it cannot.</param>
    public static ReconcilePlan Plan(Guid appId, DesiredApp? desired, ContainerSpec? spec, string? imageError, ObservedApp observed, DateTimeOffset now, TimeSpan healthDeadline)
    {
        if (desired is null)
            return PlanDeletion(appId, observed);

        if (imageError is not null && desired.Release is { } broken)
            return Failed(desired, observed, $"Release {broken.Id}: {imageError}");

        if (desired.Release is null || desired.Release.Status == ReleaseStatus.Failed || spec is null)
            return PlanIdle(desired, observed);

        var actions = new List<ReconcileAction>();
        if (!observed.NetworkExists)
            actions.Add(new EnsureNetwork(spec.NetworkName, "the app's network is missing"));

        var candidates = observed.Containers.Where(c => c.SpecHash == spec.SpecHash).OrderByDescending(c => c.CreatedAt).ToList();
        var others = observed.Containers.Where(c => c.SpecHash != spec.SpecHash).ToList();
        var running = candidates.FirstOrDefault(c => c.State == ContainerState.Running);

        // Stopped leftovers are never useful: a crashed candidate is replaced, an exited old one is garbage.
        foreach (var dead in observed.Containers.Where(c => c.State is ContainerState.Exited or ContainerState.Dead or ContainerState.Created && c != running))
            actions.Add(new RemoveContainer(dead, $"container is {dead.State.ToString().ToLowerInvariant()} (exit code {dead.ExitCode?.ToString() ?? "none"})"));

        if (running is null)
        {
            var exited = candidates.FirstOrDefault(c => c.State is ContainerState.Exited or ContainerState.Dead);
            if (exited is not null)
            {
                // Replace on the next pass, after the worker's backoff, so a crash loop does not spin.
                return new ReconcilePlan(actions, AppPhase.Deploying, ServingRelease(desired, observed), null, null,
                    ContainerExited: true, LastError: $"container exited with code {exited.ExitCode?.ToString() ?? "unknown"}");
            }

            actions.Add(new StartContainer(spec, candidates.Count == 0 ? "no container runs the desired spec" : "desired container is not running"));
            if (observed.Route is null)
                actions.Add(new RouteTraffic(RouteFor(desired, []), "the app's hostnames answer 503 until a release is healthy"));
            return new ReconcilePlan(actions, AppPhase.Deploying, ServingRelease(desired, observed), null, HealthPoll);
        }

        if (!observed.CandidateHealthy)
        {
            if (now - running.CreatedAt > healthDeadline)
            {
                actions.Add(new RemoveContainer(running, $"never became healthy within {healthDeadline.TotalSeconds:0}s"));
                var reason = $"the container never answered its health check within {healthDeadline.TotalSeconds:0}s";
                var phase = observed.Route is { Upstreams.Count: > 0 } ? AppPhase.Running : AppPhase.Failed;
                return new ReconcilePlan(actions, phase, ServingRelease(desired, observed), reason, null, LastError: reason);
            }

            return new ReconcilePlan(actions, AppPhase.Deploying, ServingRelease(desired, observed), null, HealthPoll);
        }

        var route = RouteFor(desired, [$"{running.IpAddress}:{spec.Port}"]);
        if (!SameRoute(observed.Route, route))
            actions.Add(new RouteTraffic(route, "the healthy desired container is not receiving traffic"));

        // Only after traffic points at the new container are the others removed.
        foreach (var old in observed.Containers.Where(c => c != running && c.State == ContainerState.Running))
            actions.Add(new RemoveContainer(old, old.SpecHash == spec.SpecHash ? "duplicate of the serving container" : "superseded by the serving container"));

        return new ReconcilePlan(actions, AppPhase.Running, spec.ReleaseId, null, null);
    }

    private static ReconcilePlan PlanDeletion(Guid appId, ObservedApp observed)
    {
        var actions = new List<ReconcileAction>();
        if (observed.Route is not null)
            actions.Add(new RemoveRoute("the app was deleted"));
        actions.AddRange(observed.Containers.Select(c => new RemoveContainer(c, "the app was deleted")));
        if (observed.NetworkExists)
            actions.Add(new RemoveNetwork(ContainerSpecs.NetworkName(appId), "the app was deleted"));
        return new ReconcilePlan(actions, AppPhase.Deleted, null, null, null);
    }

    /// <summary>Nothing to run (never deployed, or the desired release failed): keep whatever serves, answer 503 otherwise.</summary>
    private static ReconcilePlan PlanIdle(DesiredApp desired, ObservedApp observed)
    {
        var actions = new List<ReconcileAction>();
        var serving = observed.Route is { Upstreams.Count: > 0 } ? observed.Containers.FirstOrDefault(c => c.State == ContainerState.Running && observed.Route.Upstreams.Contains($"{c.IpAddress}:{UpstreamPort(observed.Route)}")) : null;
        var route = serving is null ? RouteFor(desired, []) : RouteFor(desired, observed.Route!.Upstreams);
        if (!SameRoute(observed.Route, route))
            actions.Add(new RouteTraffic(route, serving is null ? "no release to serve" : "the app's hostnames changed"));
        foreach (var c in observed.Containers.Where(c => c != serving))
            actions.Add(new RemoveContainer(c, "not the serving container and nothing is being deployed"));

        // A failed release leaves the previous one serving: the app still runs, and says why the deploy failed.
        var failed = desired.Release?.Status == ReleaseStatus.Failed;
        var phase = serving is not null ? AppPhase.Running : failed ? AppPhase.Failed : AppPhase.Created;
        return new ReconcilePlan(actions, phase, serving?.ReleaseId, null, null, LastError: failed ? desired.Release!.FailureReason : null);
    }

    private static ReconcilePlan Failed(DesiredApp desired, ObservedApp observed, string reason)
    {
        var idle = PlanIdle(desired, observed);
        return idle with { Phase = idle.Phase == AppPhase.Running ? AppPhase.Running : AppPhase.Failed, FailRelease = reason, LastError = reason };
    }

    private static Guid? ServingRelease(DesiredApp desired, ObservedApp observed) =>
        observed.Route is { Upstreams.Count: > 0 } ? desired.CurrentReleaseId : null;

    private static AppRoute RouteFor(DesiredApp desired, IReadOnlyList<string> upstreams) =>
        new(desired.Id, desired.Name, desired.Hostnames.Order(StringComparer.Ordinal).ToList(), upstreams.Order(StringComparer.Ordinal).ToList());

    private static string UpstreamPort(AppRoute route) => route.Upstreams[0][(route.Upstreams[0].LastIndexOf(':') + 1)..];

    public static bool SameRoute(AppRoute? observed, AppRoute desired) =>
        observed is not null &&
        observed.Hostnames.Order(StringComparer.Ordinal).SequenceEqual(desired.Hostnames.Order(StringComparer.Ordinal)) &&
        observed.Upstreams.Order(StringComparer.Ordinal).SequenceEqual(desired.Upstreams.Order(StringComparer.Ordinal));
}
