using PersonalCloud.Contracts.Apps;
using PersonalCloud.Reconciler.Containers;
using PersonalCloud.Reconciler.Desired;

namespace PersonalCloud.Reconciler.Planning;

/// <summary>
/// A new release's release command (database migrations) runs once, in a container of its own from the release's image
/// with its env, network and the app's limits, before any of its processes start. Exit 0 is recorded, then the release
/// rolls out; anything else (an exit code, the engine refusing it, the timeout) fails the release at the release-command
/// stage with the reason, and the old release keeps serving. Its output goes through the log pipeline like any container's.
/// </summary>
internal static class ReleaseCommandPlanner
{
    /// <summary>The plan while the release command has not succeeded yet; null when there is none to wait for.</summary>
    public static ReconcilePlan? Gate(RolloutContext context)
    {
        var (input, desired, release, _, _, _) = context;
        if (input.ReleaseCommand is not { } spec || release.ReleaseCommandSucceeded)
            return null;

        var observed = input.Observed;
        var actions = new List<ReconcileAction>(context.Network);
        var mine = (observed.ReleaseCommands ?? []).Where(c => c.SpecHash == spec.SpecHash).MaxBy(c => c.CreatedAt);
        ContainerRemovals.RemoveReleaseCommands(observed, mine, release.Rollout.StopTimeout, actions);

        if (mine is null || (mine.State == ContainerState.Created && mine.StartError is null))
        {
            if (observed.Route is null)
                actions.Add(new RouteTraffic(AppPlanner.RouteFor(desired, []), "the app's hostnames answer 503 until a release is healthy"));
            actions.Add(new StartContainer(spec, "the new release runs its release command once, before any of its processes start"));
            return Waiting(context, actions, PlanTiming.ReleaseCommandPoll);
        }

        if (mine.StartError is { } error)
            return Failed(context, actions, $"the engine could not start the release command: {error}");

        if (mine.State == ContainerState.Running)
        {
            var timeout = release.ReleaseCommandTimeout ?? DesiredRelease.DefaultReleaseCommandTimeout;
            var age = input.Now - mine.CreatedAt;
            // Failed first, stopped by the next pass (SIGTERM, then the stop timeout): a crash in between never runs it again.
            if (age >= timeout)
                return Failed(context, actions, $"the release command did not finish within {timeout.TotalSeconds:0}s: it is stopped (SIGTERM, then SIGKILL after the stop timeout)");
            var left = timeout - age;
            return Waiting(context, actions, left < PlanTiming.ReleaseCommandPoll ? left : PlanTiming.ReleaseCommandPoll);
        }

        if (mine.State is not (ContainerState.Exited or ContainerState.Dead))
            return Waiting(context, actions, PlanTiming.ReleaseCommandPoll);
        if (mine.ExitCode != 0)
            return Failed(context, actions, $"the release command failed: {ExitReasons.Describe(mine, release.Limits)}");

        // Recorded before its container goes: whatever happens next, it never runs again for this release.
        actions.Add(new RecordReleaseCommand(release.Id, "the release command exited 0: the release's processes start now"));
        actions.Add(new RemoveContainer(mine, release.Rollout.StopTimeout, "the release command finished", WaitForRoute: false));
        return Waiting(context, actions, TimeSpan.Zero);
    }

    private static ReconcilePlan Waiting(RolloutContext context, List<ReconcileAction> actions, TimeSpan requeue) =>
        new(actions, AppPhase.Deploying, context.OldServingRelease, requeue, CancelReleasesBefore: context.Release.Id);

    private static ReconcilePlan Failed(RolloutContext context, List<ReconcileAction> actions, string reason)
    {
        RolloutRoute.EnsureUnavailable(context, actions);
        // The next pass (the release failed) removes its container, catching up its output first: at once, not at the next resync.
        return new ReconcilePlan(actions, context.SomethingServes ? AppPhase.Running : AppPhase.Failed, context.OldServingRelease, TimeSpan.Zero,
            FailRelease: reason, LastError: reason, CancelReleasesBefore: context.Release.Id, FailedStage: ReleaseStages.ReleaseCommand);
    }
}
