using PersonalCloud.Contracts.Processes;
using PersonalCloud.Reconciler.Containers;
using PersonalCloud.Reconciler.Desired;

namespace PersonalCloud.Reconciler.Planning;

/// <summary>
/// Brings every process of a release to its replica count. A new release runs its release command first, then starts all
/// its replicas beside what serves; once every replica of every process is ready it switches together (traffic to the
/// new web replicas, old workers stopped, stop-first workers replaced), then drains and removes the old web replicas.
/// A replica of a new release that fails fails the release and every process stays on the old one. A replica of the
/// serving release that crashes is restarted with backoff (crash loop) while its siblings keep serving; within the
/// serving release (restart, scale) each process switches on its own.
/// </summary>
internal static class RolloutPlanner
{
    public static ReconcilePlan Plan(PlanInput input, DesiredApp desired, DesiredRelease release, IReadOnlyList<ProcessSpec> processes, bool isNewRelease)
    {
        var observed = input.Observed;
        var serving = observed.Serving();
        var views = processes.Select(p => ProcessView.Of(p, desired, release, observed, input.Now)).ToList();
        var before = new RolloutContext(input, desired, release, views, serving, isNewRelease);

        if (isNewRelease && ReleaseCommandPlanner.Gate(before) is { } gated)
            return gated;
        var failures = ReplicaFailure.Find(views, release, input.Now);
        if (isNewRelease && failures.Count > 0)
            return FailNewRelease(before, failures);

        var switchNow = isNewRelease && views.Where(v => !v.Definition.StopFirst).All(v => v.AllReady);
        return PlanReplicas(before, failures, switchNow);
    }

    private static ReconcilePlan PlanReplicas(RolloutContext context, IReadOnlyList<ReplicaFailure> crashes, bool switchNow)
    {
        var (input, desired, release, views, _, isNewRelease) = context;
        var now = input.Now;
        var replicas = ReplicaPlanner.Plan(context, crashes, switchNow);

        bool Switched(ProcessView v) => isNewRelease ? switchNow : v.Definition.StopFirst || v.AllReady;
        var route = RolloutRoute.Plan(context, switchNow, Switched);

        // What stays: the wanted replicas, and until their process switched, the old containers that serve or work.
        var keep = replicas.Kept.ToHashSet(StringComparer.Ordinal);
        foreach (var old in input.Observed.Containers.Where(c => c.State == ContainerState.Running && (c.IsWorker || input.Observed.InRoute(c))))
        {
            var view = views.FirstOrDefault(v => v.Definition.Name == old.Process);
            var stays = isNewRelease ? !switchNow : view is not null && !Switched(view);
            if (stays)
                keep.Add(old.Id);
        }

        var actions = new List<ReconcileAction>(context.Network);
        actions.AddRange(route.Actions);
        actions.AddRange(replicas.Removals);
        var requeue = ContainerRemovals.Min(replicas.Requeue,
            ContainerRemovals.RemoveUnwanted(input, route.Effective, keep, release.Rollout, release.Limits, actions));
        ContainerRemovals.RemoveReleaseCommands(input.Observed, keep: null, release.Rollout.StopTimeout, actions);
        actions.AddRange(replicas.Starts);

        var phase = replicas.CrashLooping ? AppPhase.CrashLooping
            : (isNewRelease && !switchNow) || views.Any(v => !v.AllReady) ? AppPhase.Deploying
            : AppPhase.Running;
        var runs = views.Any(v => v.Replicas.Any(r => r.Running is not null));
        var servingRelease = isNewRelease ? (switchNow ? release.Id : context.OldServingRelease)
            : runs ? release.Id : context.OldServingRelease;
        return new ReconcilePlan(actions, phase, servingRelease, requeue, LastError: replicas.LastError, CancelReleasesBefore: release.Id,
            Replicas: replicas.Statuses, SwitchesRelease: isNewRelease && switchNow);
    }

    /// <summary>A replica of the new release failed: the release fails, its containers go, every process stays on the old one.</summary>
    private static ReconcilePlan FailNewRelease(RolloutContext context, IReadOnlyList<ReplicaFailure> failures)
    {
        var (input, desired, release, views, serving, _) = context;
        var failure = failures[0];
        var reason = failure.Describe(views);
        var actions = new List<ReconcileAction>(context.Network);
        RolloutRoute.EnsureUnavailable(context, actions);
        foreach (var replica in views.SelectMany(v => v.Replicas))
        {
            foreach (var c in new[] { replica.Stopped, replica.Running, replica.Created }.OfType<ObservedContainer>())
            {
                var why = c == failure.Container
                    ? (failure.NeverHealthy ? "never became healthy" : ContainerRemovals.Stopped(c, replica.Process.Process.Limits))
                    : "its release failed: every process stays on the release that served";
                actions.Add(new RemoveContainer(c, release.Rollout.StopTimeout, why, WaitForRoute: false));
            }
        }

        ContainerRemovals.RemoveReleaseCommands(input.Observed, keep: null, release.Rollout.StopTimeout, actions);
        var phase = context.SomethingServes ? AppPhase.Running : AppPhase.Failed;
        return new ReconcilePlan(actions, phase, context.OldServingRelease, null, FailRelease: reason, LastError: reason,
            CancelReleasesBefore: release.Id, FailedStage: failure.Stage);
    }
}

/// <summary>What every part of one rollout pass reads.</summary>
internal sealed record RolloutContext(
    PlanInput Input,
    DesiredApp Desired,
    DesiredRelease Release,
    IReadOnlyList<ProcessView> Views,
    IReadOnlyList<ObservedContainer> Serving,
    bool IsNewRelease)
{
    /// <summary>The app's network first, when it is missing.</summary>
    public IReadOnlyList<ReconcileAction> Network => Input.Observed.NetworkExists
        ? []
        : [new EnsureNetwork(ContainerSpecs.NetworkName(Desired.Id), "the app's network is missing")];

    private IEnumerable<ObservedContainer> OldWorkers => Input.Observed.Containers
        .Where(c => c.IsWorker && c.State == ContainerState.Running && c.ReleaseId != Release.Id);

    /// <summary>Web replicas in the route or workers of an older release still run.</summary>
    public bool SomethingServes => Serving.Count > 0 || OldWorkers.Any();

    /// <summary>The release that serves while this one is not switched yet: the routed replicas', else the running workers'.</summary>
    public Guid? OldServingRelease => Serving.FirstOrDefault()?.ReleaseId ?? OldWorkers.FirstOrDefault()?.ReleaseId;
}
