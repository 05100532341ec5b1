using System.ComponentModel.DataAnnotations;
using PersonalCloud.Contracts.Jobs;

namespace PersonalCloud.Reconciler.Jobs;

/// <summary>Settings of the job executor, read from PCLOUD_* environment variables, validated at start.</summary>
public sealed class JobOptions
{
    /// <summary>Failures in a row after which a job shows as failing on its app and the apps list, and in the journal.</summary>
    [Range(1, 1000)]
    [ConfigurationKeyName("JOB_FAILURE_ALERT_THRESHOLD")]
    public int FailureAlertThreshold { get; set; } = JobRules.DefaultFailureAlertThreshold;

    /// <summary>Failures in a row after which the platform suspends a job until its owner resumes it; 0: never.</summary>
    [Range(0, 10_000)]
    [ConfigurationKeyName("JOB_AUTO_SUSPEND_FAILURES")]
    public int AutoSuspendAfterFailures { get; set; } = JobRules.DefaultAutoSuspendAfterFailures;

    /// <summary>Between SIGTERM and SIGKILL when a run is stopped (timeout, owner, replaced).</summary>
    [Range(0, 600)]
    [ConfigurationKeyName("JOB_STOP_GRACE_SECONDS")]
    public int StopGraceSeconds { get; set; } = 10;

    public JobAttentionSettings Attention => new(FailureAlertThreshold, AutoSuspendAfterFailures);
}
