using PersonalCloud.Contracts.Jobs;

namespace PersonalCloud.Reconciler.Jobs;

/// <summary>An event for the app's journal when a job starts or stops needing its owner.</summary>
public sealed record JobAttentionEvent(string Action, string Reason, bool Failure);

/// <summary>Thresholds of "never silent": failures in a row before a job needs attention, and before the platform suspends it.</summary>
public sealed record JobAttentionSettings(int FailureThreshold, int AutoSuspendAfter)
{
    public static readonly JobAttentionSettings Default = new(JobRules.DefaultFailureAlertThreshold, JobRules.DefaultAutoSuspendAfterFailures);
}

/// <summary>
/// Pure: how a job's failure streak and attention change with one more outcome. A success clears them; a failure
/// counts (and past the thresholds flags the job, then suspends it); a missed start flags it until a run succeeds.
/// Skipped and stopped runs change nothing.
/// </summary>
public static class JobAttention
{
    public const string FailingAction = "JobFailing";
    public const string MissedAction = "JobMissedStart";
    public const string AutoSuspendedAction = "JobAutoSuspended";
    public const string RecoveredAction = "JobRecovered";

    public static (JobStatus Status, JobAttentionEvent? Event) After(
        string jobName, JobStatus status, string outcome, string? reason, DateTimeOffset at, JobAttentionSettings settings)
    {
        switch (outcome)
        {
            case RunOutcomes.Succeeded:
                var recovered = status.Attention is not null and not JobAttentionKinds.AutoSuspended;
                return (status with { ConsecutiveFailures = 0, Attention = recovered ? null : status.Attention, AttentionReason = recovered ? null : status.AttentionReason,
                        AttentionSince = recovered ? null : status.AttentionSince },
                    recovered ? new JobAttentionEvent(RecoveredAction, $"job {jobName} succeeded again", Failure: false) : null);
            case RunOutcomes.Failed or RunOutcomes.TimedOut:
                var failures = status.ConsecutiveFailures + 1;
                var last = reason ?? outcome;
                if (settings.AutoSuspendAfter > 0 && failures >= settings.AutoSuspendAfter && status.AutoSuspendedAt is null)
                {
                    var why = $"suspended by the platform after {failures} failures in a row (last: {last}); resume it once fixed";
                    return (status with { ConsecutiveFailures = failures, Attention = JobAttentionKinds.AutoSuspended, AttentionReason = why, AttentionSince = at, AutoSuspendedAt = at },
                        new JobAttentionEvent(AutoSuspendedAction, $"job {jobName} {why}", Failure: true));
                }

                if (failures >= settings.FailureThreshold && status.Attention is null or JobAttentionKinds.Missed)
                {
                    var why = $"failed {failures} times in a row (last: {last})";
                    return (status with { ConsecutiveFailures = failures, Attention = JobAttentionKinds.Failing, AttentionReason = why, AttentionSince = at },
                        new JobAttentionEvent(FailingAction, $"job {jobName} {why}", Failure: true));
                }

                return (status with
                {
                    ConsecutiveFailures = failures,
                    AttentionReason = status.Attention == JobAttentionKinds.Failing ? $"failed {failures} times in a row (last: {last})" : status.AttentionReason,
                }, null);
            case RunOutcomes.Missed:
                if (status.Attention is JobAttentionKinds.AutoSuspended)
                    return (status, null);
                var missed = $"missed a start: {reason ?? "its scheduled time passed"}";
                return (status with { Attention = JobAttentionKinds.Missed, AttentionReason = missed, AttentionSince = status.Attention == JobAttentionKinds.Missed ? status.AttentionSince : at },
                    new JobAttentionEvent(MissedAction, $"job {jobName} {missed}", Failure: true));
            default:
                return (status, null);
        }
    }

    /// <summary>The owner resumed the job after the platform suspended it: the streak starts over.</summary>
    public static JobStatus Resumed(JobStatus status) =>
        status with { ConsecutiveFailures = 0, Attention = null, AttentionReason = null, AttentionSince = null, AutoSuspendedAt = null };
}
