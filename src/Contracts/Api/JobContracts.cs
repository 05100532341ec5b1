namespace PersonalCloud.Contracts.Api;

/// <summary>Creates or replaces a cron job. Left out: time zone UTC, policy forbid, timeout 1 h, no starting deadline, not suspended.</summary>
public sealed record CronJobRequest(
    string? Name,
    string? Schedule,
    string? Command,
    string? TimeZone = null,
    string? ConcurrencyPolicy = null,
    int? TimeoutSeconds = null,
    int? StartingDeadlineSeconds = null,
    bool? Suspended = null);

/// <summary>
/// A cron job with what it will do next (<see cref="NextRuns"/>, UTC) and how it went lately (<see cref="LastRuns"/>,
/// newest first). <see cref="Attention"/> is set while it failed several times in a row, missed a start or was suspended
/// by the platform.
/// </summary>
public sealed record CronJobResponse(
    Guid Id,
    Guid AppId,
    string Name,
    string Schedule,
    string TimeZone,
    string Command,
    string ConcurrencyPolicy,
    int TimeoutSeconds,
    int? StartingDeadlineSeconds,
    bool Suspended,
    bool AutoSuspended,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    IReadOnlyList<DateTimeOffset> NextRuns,
    IReadOnlyList<RunSummaryResponse> LastRuns,
    int ConsecutiveFailures,
    JobAttentionResponse? Attention);

/// <summary>A run at a glance: for a job's recent outcomes.</summary>
public sealed record RunSummaryResponse(Guid Id, string Status, string? Outcome, DateTimeOffset? ScheduledFor, DateTimeOffset RequestedAt, int? ExitCode);

/// <summary>A job needing its owner: <c>failing</c>, <c>missed</c> or <c>auto-suspended</c>, why in words, since when.</summary>
public sealed record JobAttentionResponse(Guid JobId, string JobName, string Kind, string Reason, DateTimeOffset Since);

/// <summary>What a schedule means: when it runs next (UTC), for a form to show before saving.</summary>
public sealed record SchedulePreviewResponse(string Schedule, string TimeZone, IReadOnlyList<DateTimeOffset> NextRuns);

/// <summary>Starts a fresh container from the app's serving release running <c>/bin/sh -c command</c>.</summary>
/// <param name="Process">Which of the app's processes it runs as (its limits); the app's own limits when left out.</param>
public sealed record CreateRunRequest(string? Command, string? Process = null, int? TimeoutSeconds = null);

/// <summary>
/// One run of a cron job (<see cref="Kind"/> <c>job</c>) or a one-off command (<c>run</c>). <see cref="Status"/>: queued,
/// running or ended; <see cref="Outcome"/> once ended: succeeded, failed, timed-out, skipped, missed or stopped, with
/// <see cref="Reason"/> in words. Its output: <see cref="LogsUrl"/> (stored lines) and <see cref="OutputUrl"/> (live, SSE).
/// </summary>
public sealed record RunResponse(
    Guid Id,
    Guid AppId,
    string Kind,
    string Trigger,
    string Command,
    string? Process,
    Guid? JobId,
    string? JobName,
    string Status,
    string? Outcome,
    string? Reason,
    int? ExitCode,
    DateTimeOffset RequestedAt,
    DateTimeOffset? ScheduledFor,
    DateTimeOffset? StartedAt,
    DateTimeOffset? EndedAt,
    DateTimeOffset? StopRequestedAt,
    int TimeoutSeconds,
    Guid? ReleaseId,
    string? ContainerId,
    string LogsUrl,
    string OutputUrl);
