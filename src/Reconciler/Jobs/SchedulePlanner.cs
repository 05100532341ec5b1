using PersonalCloud.Contracts.Jobs;

namespace PersonalCloud.Reconciler.Jobs;

/// <summary>A run row the scheduler inserts for a scheduled time: queued (<paramref name="Outcome"/> null) or already decided.</summary>
public sealed record ScheduledRun(Guid JobId, DateTimeOffset ScheduledFor, string? Outcome, string? Reason);

/// <summary>A running or queued run the scheduler stops (concurrencyPolicy replace).</summary>
public sealed record ReplaceRun(Guid RunId, string Reason);

/// <summary>What one pass decides for one job: rows to insert, runs to replace, how far the job is handled, when to look again.</summary>
public sealed record ScheduleDecision(
    Guid JobId,
    IReadOnlyList<ScheduledRun> Runs,
    IReadOnlyList<ReplaceRun> Replace,
    DateTimeOffset? ScheduledThrough,
    DateTimeOffset? NextDue)
{
    public bool Changes => Runs.Count > 0 || Replace.Count > 0 || ScheduledThrough is not null;
}

/// <summary>
/// Pure: which scheduled times of a job are due now, and what becomes of each. The latest due time starts (if the
/// policy and its starting deadline let it); earlier ones the scheduler did not reach in time are recorded once, as
/// missed (or, within <see cref="LateTolerance"/>, as skipped: the scheduler was late, not down). Each time is handled
/// once: the caller inserts the rows and the new cursor in one transaction, keyed by (job, scheduled time).
/// </summary>
public static class SchedulePlanner
{
    /// <summary>Earlier due times closer than this to now were lost to a late pass, not to downtime: not "missed".</summary>
    public static readonly TimeSpan LateTolerance = TimeSpan.FromSeconds(10);

    /// <summary>Enough to say "more than N"; counting a seconds schedule over a long outage stops here.</summary>
    public const int CountCap = 100_000;

    public static ScheduleDecision Plan(CronJob job, IReadOnlyList<OpenRun> openRunsOfJob, bool releaseServing, DateTimeOffset now)
    {
        var cursor = job.Cursor;
        if (job.Suspended || job.AutoSuspended)
            return new ScheduleDecision(job.Id, [], [], null, null);

        var latest = job.Schedule.LatestAtOrBefore(now);
        if (latest is not { } due || due <= cursor)
            return new ScheduleDecision(job.Id, [], [], null, job.Schedule.NextAfter(now > cursor ? now : cursor));

        var runs = new List<ScheduledRun>();
        var replace = new List<ReplaceRun>();
        var (earlier, first) = job.Schedule.CountBetween(cursor, due, CountCap);
        if (earlier > 0 && first is { } from)
            runs.Add(Earlier(job, from, job.Schedule.LatestAtOrBefore(due - TimeSpan.FromTicks(1)) ?? from, earlier, due, now));

        var late = now - due;
        if (job.StartingDeadlineSeconds is { } deadline && late > TimeSpan.FromSeconds(deadline))
        {
            runs.Add(new ScheduledRun(job.Id, due, RunOutcomes.Missed,
                $"its start at {due:u} was {Seconds(late)} late, past its starting deadline of {deadline} s (the scheduler was not running then)"));
        }
        else if (!releaseServing)
        {
            runs.Add(new ScheduledRun(job.Id, due, RunOutcomes.Skipped, "the app has no serving release to run it from: deploy it first"));
        }
        else if (job.ConcurrencyPolicy == ConcurrencyPolicies.Forbid && openRunsOfJob.Count > 0)
        {
            var running = openRunsOfJob.OrderBy(r => r.RequestedAt).First();
            runs.Add(new ScheduledRun(job.Id, due, RunOutcomes.Skipped,
                $"the run {(running.ScheduledFor is { } s ? $"scheduled for {s:u}" : $"requested at {running.RequestedAt:u}")} is still running (concurrencyPolicy forbid)"));
        }
        else
        {
            runs.Add(new ScheduledRun(job.Id, due, null, null));
            if (job.ConcurrencyPolicy == ConcurrencyPolicies.Replace)
                replace.AddRange(openRunsOfJob.Where(r => r.StopOutcome is null).Select(r => new ReplaceRun(r.Id, $"replaced by the run scheduled for {due:u} (concurrencyPolicy replace)")));
        }

        return new ScheduleDecision(job.Id, runs, replace, due, job.Schedule.NextAfter(now));
    }

    /// <summary>One row for every earlier time not reached: missed (downtime) or skipped (a late pass), at the last of them.</summary>
    private static ScheduledRun Earlier(CronJob job, DateTimeOffset first, DateTimeOffset last, int count, DateTimeOffset due, DateTimeOffset now)
    {
        var times = count == 1 ? $"the start at {first:u}" : $"{(count >= CountCap ? "more than " : "")}{count} starts from {first:u} to {last:u}";
        return now - first <= LateTolerance
            ? new ScheduledRun(job.Id, last, RunOutcomes.Skipped, $"{times} came while the scheduler was busy; only the start at {due:u} runs")
            : new ScheduledRun(job.Id, last, RunOutcomes.Missed, $"{times} passed while the scheduler was not running; only the latest ({due:u}) is considered");
    }

    private static string Seconds(TimeSpan span) => $"{Math.Round(span.TotalSeconds):0} s";
}
