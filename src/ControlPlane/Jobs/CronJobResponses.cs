using PersonalCloud.Contracts.Api;
using PersonalCloud.Contracts.Jobs;
using PersonalCloud.ControlPlane.Runs;

namespace PersonalCloud.ControlPlane.Jobs;

public static class CronJobResponses
{
    public const int RecentRunsShown = 10;

    public static CronJobResponse ToResponse(this CronJobRow j, IEnumerable<RunRow> recent, DateTimeOffset now)
    {
        var (schedule, _, _) = CronSchedule.Parse(j.Schedule, j.TimeZone);
        var paused = j.Suspended || j.AutoSuspended;
        var from = RunResponses.Utc(j.ScheduleFrom) > now ? RunResponses.Utc(j.ScheduleFrom) : now;
        return new CronJobResponse(
            j.Id, j.AppId, j.Name, j.Schedule, j.TimeZone, j.Command, j.ConcurrencyPolicy, j.TimeoutSeconds, j.StartingDeadlineSeconds,
            j.Suspended, j.AutoSuspended, RunResponses.Utc(j.CreatedAt), RunResponses.Utc(j.UpdatedAt),
            paused || schedule is null ? [] : schedule.Next(from, JobRules.NextRunsShown),
            recent.Take(RecentRunsShown).Select(r => r.ToSummary()).ToList(),
            j.ConsecutiveFailures ?? 0,
            Attention(j));
    }

    private static JobAttentionResponse? Attention(CronJobRow j)
    {
        if (j.Attention is not { } kind || (kind == JobAttentionKinds.AutoSuspended && !j.AutoSuspended))
            return null;
        return new JobAttentionResponse(j.Id, j.Name, kind, j.AttentionReason ?? kind, RunResponses.Utc(j.AttentionSince ?? j.UpdatedAt));
    }
}
