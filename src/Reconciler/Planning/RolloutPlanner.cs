using PersonalCloud.Contracts.Apps;
using PersonalCloud.Reconciler.Containers;
using PersonalCloud.Reconciler.Desired;

namespace PersonalCloud.Reconciler.Planning;

/// <summary>
/// Brings the desired release's container up beside whatever serves, switches traffic once it is healthy, drains and
/// removes the old one. A new release that never gets healthy fails and the old one keeps serving; the serving release's
/// own container crashing is restarted with backoff (crash loop).
/// </summary>
internal static class RolloutPlanner
{
    public static ReconcilePlan Plan(PlanInput input, DesiredApp desired, DesiredRelease release, ContainerSpec spec)
    {
        var observed = input.Observed;
        var now = input.Now;
        var actions = new List<ReconcileAction>();
        if (!observed.NetworkExists)
            actions.Add(new EnsureNetwork(spec.NetworkName, "the app's network is missing"));

        var serving = observed.Serving();
        var candidates = observed.Containers.Where(c => c.SpecHash == spec.SpecHash).OrderByDescending(c => c.CreatedAt).ToList();
        var running = candidates.FirstOrDefault(c => c.State == ContainerState.Running);
        // A new release going live may fail; the serving release's own container (restart, recovery) crash-loops instead.
        var isNewRelease = release.Id != desired.CurrentReleaseId;
        var servingRelease = serving.FirstOrDefault()?.ReleaseId;

        if (running is null)
        {
            var requeue = AppPlanner.RemoveUnserved(input, serving, keep: null, actions);
            var exited = candidates.FirstOrDefault(c => c.State is ContainerState.Exited or ContainerState.Dead || c.StartError is not null);
            if (exited is not null)
            {
                var (reason, stage) = exited.StartError is { } error
                    ? ($"the engine could not start the container: {error}", ReleaseStages.Starting)
                    : (ExitReasons.Describe(exited, spec.Limits), ReleaseStages.HealthChecking);
                return Crashed(input, desired, release, actions, serving, isNewRelease, reason, exited.ExitCode, stage);
            }

            if (!isNewRelease && desired.Crashes.RestartNotBefore is { } notBefore && notBefore > now)
            {
                EnsureUnavailableRoute(desired, observed, serving, actions);
                return new ReconcilePlan(actions, AppPhase.CrashLooping, servingRelease, Min(notBefore - now, requeue),
                    LastError: $"crash-looping: exited {desired.Crashes.Count} times (last exit code {desired.Crashes.LastExitCode?.ToString() ?? "unknown"}); next start in {(notBefore - now).TotalSeconds:0}s",
                    CancelReleasesBefore: release.Id);
            }

            // The route first: the hostnames answer 503 while the engine starts the container, and nothing stands between
            // the start and the health gate that follows it.
            if (observed.Route is null)
                actions.Add(new RouteTraffic(AppPlanner.RouteFor(desired, []), "the app's hostnames answer 503 until a release is healthy"));
            actions.Add(new StartContainer(spec, isNewRelease ? "the new release has no container yet" : "the serving release needs a new container"));
            var phase = !isNewRelease && desired.Crashes.Count > 0 ? AppPhase.CrashLooping : AppPhase.Deploying;
            return new ReconcilePlan(actions, phase, servingRelease, PlanTiming.HealthPoll, CancelReleasesBefore: release.Id);
        }

        if (!observed.CandidateHealthy)
        {
            var requeue = AppPlanner.RemoveUnserved(input, serving, keep: running, actions);
            if (now - running.CreatedAt > release.Health.DeployDeadline)
            {
                actions.Add(new RemoveContainer(running, release.Rollout.StopTimeout, "never became healthy"));
                return Crashed(input, desired, release, actions, serving, isNewRelease,
                    $"the container never passed its health check ({release.Health.Path}) within {release.Health.DeployDeadline.TotalSeconds:0}s", null,
                    ReleaseStages.HealthChecking);
            }

            return new ReconcilePlan(actions, AppPhase.Deploying, servingRelease, Min(PlanTiming.HealthPoll, requeue), CancelReleasesBefore: release.Id);
        }

        return PlanHealthy(input, desired, release, spec, running, serving, actions);
    }

    private static ReconcilePlan PlanHealthy(PlanInput input, DesiredApp desired, DesiredRelease release, ContainerSpec spec,
        ObservedContainer running, IReadOnlyList<ObservedContainer> serving, List<ReconcileAction> actions)
    {
        var observed = input.Observed;
        var route = AppPlanner.RouteFor(desired, [$"{running.IpAddress}:{spec.Port}"]);
        var effective = input;
        if (!AppPlanner.SameRoute(observed.Route?.Route, route))
        {
            var switched = observed.Route is null || !observed.Route.Route.Upstreams.Order().SequenceEqual(route.Upstreams);
            actions.Add(new RouteTraffic(route, switched ? "the new container is healthy: switch traffic to it" : "the app's hostnames changed"));
            // Traffic moves now: containers that served until this moment drain from now on.
            var routed = new Routing.ObservedRoute(route, switched ? input.Now : observed.Route!.UpdatedAt);
            effective = input with { Observed = observed with { Route = routed } };
        }

        var requeue = AppPlanner.RemoveUnserved(effective, [running], keep: running, actions);
        CrashUpdate? reset = null;
        if (desired.Crashes.Count > 0 && input.Now - running.CreatedAt >= PlanTiming.CleanRun)
            reset = new CrashUpdate(0, null, null, null);

        return new ReconcilePlan(actions, AppPhase.Running, spec.ReleaseId, requeue, Crash: reset, CancelReleasesBefore: release.Id);
    }

    /// <summary>A new release fails for good; the serving release's container is restarted after a growing backoff.</summary>
    private static ReconcilePlan Crashed(PlanInput input, DesiredApp desired, DesiredRelease release, List<ReconcileAction> actions,
        IReadOnlyList<ObservedContainer> serving, bool isNewRelease, string reason, int? exitCode, string stage)
    {
        var servingRelease = serving.FirstOrDefault()?.ReleaseId;
        if (isNewRelease)
        {
            EnsureUnavailableRoute(desired, input.Observed, serving, actions);
            var phase = serving.Count > 0 ? AppPhase.Running : AppPhase.Failed;
            return new ReconcilePlan(actions, phase, servingRelease, null, FailRelease: reason, LastError: reason, CancelReleasesBefore: release.Id,
                FailedStage: stage);
        }

        var crashes = desired.Crashes.Count + 1;
        var notBefore = input.Now + PlanTiming.CrashBackoff(crashes);
        EnsureUnavailableRoute(desired, input.Observed, serving, actions);
        return new ReconcilePlan(actions, AppPhase.CrashLooping, servingRelease, notBefore - input.Now,
            LastError: $"{reason}; restarting in {(notBefore - input.Now).TotalSeconds:0}s (crash {crashes})",
            Crash: new CrashUpdate(crashes, exitCode, input.Now, notBefore, reason), Restarted: true, CancelReleasesBefore: release.Id);
    }

    /// <summary>
    /// With nothing serving, the hostnames answer 503 rather than proxying to a dead address: before any removal (whose
    /// log catch-up and stop take time), right after the network.
    /// </summary>
    private static void EnsureUnavailableRoute(DesiredApp desired, ObservedApp observed, IReadOnlyList<ObservedContainer> serving, List<ReconcileAction> actions)
    {
        if (serving.Count > 0)
            return;
        var empty = AppPlanner.RouteFor(desired, []);
        if (!AppPlanner.SameRoute(observed.Route?.Route, empty))
            actions.Insert(actions.TakeWhile(a => a is EnsureNetwork).Count(), new RouteTraffic(empty, "nothing healthy to serve: answer 503"));
    }

    private static TimeSpan? Min(TimeSpan a, TimeSpan? b) => b is { } other && other < a ? other : a;
}
