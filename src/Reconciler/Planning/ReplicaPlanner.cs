using PersonalCloud.Contracts.Processes;
using PersonalCloud.Reconciler.Containers;

namespace PersonalCloud.Reconciler.Planning;

/// <summary>What one pass does with each wanted replica: keep it, start it, wait out its backoff, or count its crash.</summary>
internal sealed record ReplicaPlan(
    IReadOnlyList<string> Kept,
    IReadOnlyList<ReconcileAction> Removals,
    IReadOnlyList<ReconcileAction> Starts,
    IReadOnlyList<ReplicaStatus> Statuses,
    TimeSpan? Requeue,
    bool CrashLooping,
    string? LastError);

internal static class ReplicaPlanner
{
    /// <param name="crashes">Failures of replicas of the serving release (a new release's fail it before this).</param>
    public static ReplicaPlan Plan(RolloutContext context, IReadOnlyList<ReplicaFailure> crashes, bool switchNow)
    {
        var (input, _, release, views, _, isNewRelease) = context;
        var now = input.Now;
        var kept = new List<string>();
        var removals = new List<ReconcileAction>();
        var starts = new List<ReconcileAction>();
        var statuses = new List<ReplicaStatus>();
        TimeSpan? requeue = null;
        var crashLooping = false;
        string? lastError = null;

        foreach (var replica in views.SelectMany(v => v.Replicas))
        {
            var process = replica.Process.Process;
            var name = process.Name;
            if (crashes.FirstOrDefault(f => f.Replica == replica) is { } crash)
            {
                // The serving release's replica crashed: counted, removed, started again after a growing backoff.
                var count = replica.Crashes.Count + 1;
                var notBefore = now + PlanTiming.CrashBackoff(count);
                if (crash.NeverHealthy)
                    removals.Add(new RemoveContainer(crash.Container, release.Rollout.StopTimeout, "never became healthy", WaitForRoute: false));
                statuses.Add(new ReplicaStatus(name, replica.Index, ReplicaStatuses.CrashLooping, crash.Container.Id, release.Id,
                    new CrashUpdate(count, crash.ExitCode, now, notBefore, crash.Reason), Restarted: true));
                lastError ??= $"{crash.Describe(views)}; restarting in {(notBefore - now).TotalSeconds:0}s (crash {count})";
                requeue = ContainerRemovals.Min(requeue, notBefore - now);
                crashLooping = true;
            }
            else if (replica.Running is { } running)
            {
                kept.Add(running.Id);
                var reset = replica.Ready && replica.Crashes.Count > 0 && now - running.CreatedAt >= PlanTiming.CleanRun
                    ? new CrashUpdate(0, null, null, null)
                    : null;
                statuses.Add(new ReplicaStatus(name, replica.Index, replica.Ready ? ReplicaStatuses.Running : ReplicaStatuses.Starting, running.Id, release.Id, reset));
                if (!replica.Ready)
                {
                    requeue = ContainerRemovals.Min(requeue, process.IsWeb || process.LivenessCommand is not null
                        ? PlanTiming.HealthPoll
                        : PlanTiming.WorkerSettle - (now - running.CreatedAt));
                    crashLooping |= !isNewRelease && replica.Crashes.Count > 0;
                }
            }
            else if (!isNewRelease && replica.Crashes.RestartNotBefore is { } notBefore && notBefore > now)
            {
                var history = replica.Crashes;
                statuses.Add(new ReplicaStatus(name, replica.Index, ReplicaStatuses.CrashLooping, null, release.Id));
                lastError ??= $"{Prefix(views, replica)}crash-looping: exited {history.Count} times (last exit code {history.LastExitCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "unknown"}); next start in {(notBefore - now).TotalSeconds:0}s";
                requeue = ContainerRemovals.Min(requeue, notBefore - now);
                crashLooping = true;
            }
            else if (isNewRelease && process.StopFirst && !switchNow)
            {
                // Stop-first: its old replica keeps working until the release switches, then this one starts.
                statuses.Add(new ReplicaStatus(name, replica.Index, ReplicaStatuses.Pending, null, release.Id));
            }
            else
            {
                if (replica.Created is { } created)
                    kept.Add(created.Id);
                starts.Add(new StartContainer(replica.Spec, StartReason(views, replica, isNewRelease)));
                statuses.Add(new ReplicaStatus(name, replica.Index, ReplicaStatuses.Starting, null, release.Id));
                requeue = ContainerRemovals.Min(requeue, PlanTiming.HealthPoll);
                crashLooping |= !isNewRelease && replica.Crashes.Count > 0;
            }
        }

        return new ReplicaPlan(kept, removals, starts, statuses, requeue, crashLooping, lastError);
    }

    private static string StartReason(IReadOnlyList<ProcessView> views, ReplicaView replica, bool isNewRelease)
    {
        var what = isNewRelease ? "the new release has no container yet" : "the serving release needs a new container";
        return $"{Prefix(views, replica)}{what}";
    }

    /// <summary>"process worker, replica 1: " when the app has more than its one web replica; nothing otherwise.</summary>
    private static string Prefix(IReadOnlyList<ProcessView> views, ReplicaView replica) =>
        views.Count == 1 && views[0].Replicas.Count == 1 && replica.Process.Process.IsWeb ? "" : $"process {replica.Process.Process.Name}, replica {replica.Index}: ";
}
