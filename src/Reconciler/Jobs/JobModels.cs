using PersonalCloud.Contracts.Jobs;
using PersonalCloud.Reconciler.Containers;

namespace PersonalCloud.Reconciler.Jobs;

/// <summary>A cron job as the owner defined it (cron_jobs), its parsed schedule, and the scheduler's own bookkeeping.</summary>
public sealed record CronJob(
    Guid Id,
    Guid AppId,
    string Name,
    CronSchedule Schedule,
    string Command,
    string ConcurrencyPolicy,
    int TimeoutSeconds,
    int? StartingDeadlineSeconds,
    bool Suspended,
    DateTimeOffset ScheduleFrom,
    DateTimeOffset? ResumedAt,
    JobStatus? Status)
{
    /// <summary>Suspended by the platform and not resumed by the owner since.</summary>
    public bool AutoSuspended => Status?.AutoSuspendedAt is { } at && (ResumedAt is null || ResumedAt < at);

    /// <summary>Scheduled times after this one are the scheduler's to handle.</summary>
    public DateTimeOffset Cursor => new[] { Status?.ScheduledThrough, ScheduleFrom, ResumedAt }.Max() ?? ScheduleFrom;
}

/// <summary>cron_job_status: handled up to <paramref name="ScheduledThrough"/>; failures in a row; why it needs the owner, if it does.</summary>
public sealed record JobStatus(
    DateTimeOffset ScheduledThrough,
    int ConsecutiveFailures,
    string? Attention,
    string? AttentionReason,
    DateTimeOffset? AttentionSince,
    DateTimeOffset? AutoSuspendedAt);

/// <summary>A run that has no outcome yet: queued (no start recorded) or started.</summary>
public sealed record OpenRun(
    Guid Id,
    Guid AppId,
    Guid? JobId,
    string Kind,
    string Trigger,
    string Command,
    string? Process,
    int TimeoutSeconds,
    int? StartingDeadlineSeconds,
    DateTimeOffset? ScheduledFor,
    DateTimeOffset RequestedAt,
    DateTimeOffset? StopRequestedAt,
    string? ContainerId,
    DateTimeOffset? StartedAt,
    string? StopOutcome,
    string? StopReason);

/// <summary>A run's container as the engine reports it (found by its run id label).</summary>
public sealed record RunContainer(
    string Id,
    string Name,
    Guid RunId,
    Guid AppId,
    Guid? ReleaseId,
    ContainerState State,
    int? ExitCode,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    bool OomKilled = false,
    string? StartError = null)
{
    /// <summary>The shape the log pipeline follows and catches up.</summary>
    public ObservedContainer ToObserved() => new(Id, Name, AppId, ReleaseId, "", State, ExitCode, null, CreatedAt, StartError, OomKilled);
}

/// <summary>
/// The serving release a run starts from: its image digest, env (opened), limits, sandbox, and its processes as the API
/// defined them when it was made (null: a release from before processes, one web process).
/// </summary>
public sealed record RunRelease(
    Guid AppId,
    string AppName,
    Guid ReleaseId,
    string ImageDigest,
    int? Port,
    IReadOnlyDictionary<string, string> Environment,
    ContainerLimits Limits,
    string SecurityProfile,
    bool RunAsRoot,
    TimeSpan StopTimeout,
    IReadOnlyList<Contracts.Processes.ProcessDefinition>? Processes = null);

/// <summary>Everything needed to create one run's container.</summary>
public sealed record RunSpec(
    Guid RunId,
    string Kind,
    string Name,
    string Command,
    RunRelease Release,
    ContainerLimits Limits,
    string? User);
