using PersonalCloud.Reconciler.Containers;
using PersonalCloud.Reconciler.Desired;
using PersonalCloud.Reconciler.Routing;

namespace PersonalCloud.Reconciler.Planning;

/// <summary>Which of an app's containers go, and when: stopped ones at once, workers at once (SIGTERM, then the stop timeout), web replicas once drained.</summary>
internal static class ContainerRemovals
{
    /// <summary>
    /// Removes the app's process containers not in <paramref name="keep"/>: stopped ones and workers at once, running web
    /// containers once Caddy can no longer be using them (the route's last change plus the refresh plus the drain period).
    /// Returns when to look again.
    /// </summary>
    public static TimeSpan? RemoveUnwanted(PlanInput input, ObservedRoute? route, IReadOnlySet<string> keep, RolloutTiming timing, ContainerLimits? limits,
        List<ReconcileAction> actions)
    {
        var drainedAt = (route?.UpdatedAt ?? DateTimeOffset.MinValue) + PlanTiming.RouteRefresh + timing.Drain;
        var already = actions.OfType<RemoveContainer>().Select(a => a.Container.Id).ToHashSet(StringComparer.Ordinal);
        TimeSpan? requeue = null;
        foreach (var c in input.Observed.Containers.Where(c => !keep.Contains(c.Id) && !already.Contains(c.Id)))
        {
            if (c.State != ContainerState.Running)
                actions.Add(new RemoveContainer(c, timing.StopTimeout, Stopped(c, limits)));
            else if (c.IsWorker)
                actions.Add(new RemoveContainer(c, timing.StopTimeout, $"worker {c.Process} replica {c.Replica} is no longer wanted (replaced, scaled down or removed)", WaitForRoute: false));
            else if (input.Now >= drainedAt)
                actions.Add(new RemoveContainer(c, timing.StopTimeout, "no longer receives traffic and has drained"));
            else
                requeue = Min(requeue, drainedAt - input.Now);
        }

        return requeue;
    }

    /// <summary>Release command containers no longer wanted (another release's, or one whose outcome is recorded).</summary>
    public static void RemoveReleaseCommands(ObservedApp observed, ObservedContainer? keep, TimeSpan stopTimeout, List<ReconcileAction> actions)
    {
        foreach (var c in (observed.ReleaseCommands ?? []).Where(c => c != keep))
            actions.Add(new RemoveContainer(c, stopTimeout, $"a release command container no longer needed (release {c.ReleaseId})", WaitForRoute: false));
    }

    public static string Stopped(ObservedContainer c, ContainerLimits? limits) => c.OomKilled
        ? $"container is {c.State.ToString().ToLowerInvariant()} ({ExitReasons.Describe(c, limits)})"
        : $"container is {c.State.ToString().ToLowerInvariant()} (exit code {c.ExitCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"})";

    public static TimeSpan? Min(TimeSpan? a, TimeSpan? b) => a is null ? b : b is null ? a : a < b ? a : b;
}
