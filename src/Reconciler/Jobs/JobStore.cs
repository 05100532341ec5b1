using Dapper;
using Npgsql;
using PersonalCloud.Contracts.Jobs;
using PersonalCloud.Contracts.Labels;

namespace PersonalCloud.Reconciler.Jobs;

/// <summary>What one scheduler pass starts from: every job, every open run, and which apps have a release serving.</summary>
public sealed record JobsSnapshot(IReadOnlyList<CronJob> Jobs, IReadOnlyList<OpenRun> OpenRuns, IReadOnlySet<Guid> AppsServing, IReadOnlyList<string> BrokenJobs);

/// <summary>
/// The job executor's Postgres side. Reads throw (a failed read is never "no jobs"). Every write of a run's outcome is
/// conditional on it having none yet, so a run is recorded exactly once however often a pass is repeated.
/// </summary>
public sealed class JobStore(NpgsqlDataSource db)
{
    public async Task<JobsSnapshot> ReadAsync(CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        using var grid = await connection.QueryMultipleAsync(new CommandDefinition(
            """
            SELECT j.id, j.app_id, j.name, j.schedule, j.time_zone, j.command, j.concurrency_policy, j.timeout_seconds, j.starting_deadline_seconds,
                   j.suspended, j.schedule_from, j.resumed_at, s.job_id AS status_job_id, s.scheduled_through, s.consecutive_failures, s.attention,
                   s.attention_reason, s.attention_since, s.auto_suspended_at
            FROM cron_jobs j LEFT JOIN cron_job_status s ON s.job_id = j.id;
            SELECT id, app_id, job_id, kind, trigger, command, process, timeout_seconds, starting_deadline_seconds, scheduled_for, requested_at,
                   stop_requested_at, container_id, started_at, stop_outcome, stop_reason
            FROM job_runs WHERE outcome IS NULL;
            SELECT id FROM apps WHERE current_release_id IS NOT NULL;
            """, cancellationToken: ct));
        var jobRows = (await grid.ReadAsync<JobRow>()).AsList();
        var runs = (await grid.ReadAsync<RunRow>()).Select(r => r.ToOpenRun()).ToList();
        var serving = (await grid.ReadAsync<Guid>()).ToHashSet();
        var jobs = new List<CronJob>(jobRows.Count);
        var broken = new List<string>();
        foreach (var row in jobRows)
        {
            // Validated when stored; a row that no longer parses (a time zone the host lost) is reported, not run.
            try
            {
                jobs.Add(row.ToJob());
            }
            catch (FormatException e)
            {
                broken.Add($"{row.Id}: {e.Message}");
            }
        }

        return new JobsSnapshot(jobs, runs, serving, broken);
    }

    /// <summary>
    /// One transaction per job: the scheduled times' rows (a time already recorded is left as it is), the replaced runs'
    /// stop reasons and the job's new cursor. Returns the queued runs inserted, to start now, and the journal events of
    /// runs decided at once (missed).
    /// </summary>
    public async Task<(IReadOnlyList<OpenRun> Queued, IReadOnlyList<JobAttentionEvent> Events)> RecordScheduleAsync(
        CronJob job, ScheduleDecision decision, DateTimeOffset now, JobAttentionSettings settings, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        // The app row first, as every writer does: the API's delete cascades app -> jobs -> runs in that order.
        if (!await LockAppAsync(connection, tx, job.AppId))
            return ([], []);
        if (await LockStatusAsync(connection, tx, job.Id) is not { } status)
            return ([], []);
        var queued = new List<OpenRun>();
        var events = new List<JobAttentionEvent>();
        foreach (var run in decision.Runs)
        {
            var id = Guid.CreateVersion7();
            var inserted = await connection.ExecuteScalarAsync<Guid?>(
                """
                INSERT INTO job_runs (id, app_id, job_id, kind, trigger, command, timeout_seconds, starting_deadline_seconds, scheduled_for, requested_at,
                                      outcome, reason, ended_at)
                VALUES (@id, @AppId, @JobId, @kind, @trigger, @Command, @TimeoutSeconds, @StartingDeadlineSeconds, @ScheduledFor, @now,
                        @Outcome, @Reason, CASE WHEN @Outcome::text IS NULL THEN NULL ELSE @now END)
                ON CONFLICT (job_id, scheduled_for) DO NOTHING
                RETURNING id
                """,
                new
                {
                    id, job.AppId, run.JobId, kind = RunLabels.JobKind, trigger = RunTriggers.Schedule, job.Command, job.TimeoutSeconds,
                    job.StartingDeadlineSeconds, ScheduledFor = run.ScheduledFor.UtcDateTime, now = now.UtcDateTime, run.Outcome, run.Reason,
                }, tx);
            if (inserted is null)
                continue;
            if (run.Outcome is null)
            {
                queued.Add(new OpenRun(id, job.AppId, job.Id, RunLabels.JobKind, RunTriggers.Schedule, job.Command, null, job.TimeoutSeconds,
                    job.StartingDeadlineSeconds, run.ScheduledFor, now, null, null, null, null, null));
            }
            else
            {
                (status, var e) = JobAttention.After(job.Name, status, run.Outcome, run.Reason, now, settings);
                if (e is not null)
                    events.Add(e);
            }
        }

        foreach (var replaced in decision.Replace)
        {
            await connection.ExecuteAsync(
                "UPDATE job_runs SET stop_outcome = @outcome, stop_reason = @Reason WHERE id = @RunId AND outcome IS NULL AND stop_outcome IS NULL",
                new { outcome = RunOutcomes.Stopped, replaced.Reason, replaced.RunId }, tx);
        }

        if (decision.ScheduledThrough is { } through && through > status.ScheduledThrough)
            status = status with { ScheduledThrough = through };
        await WriteStatusAsync(connection, tx, job.Id, status, now);
        await tx.CommitAsync(ct);
        return (queued, events);
    }

    /// <summary>The owner resumed a job the platform had suspended: its streak and attention start over.</summary>
    public async Task ClearAutoSuspensionAsync(CronJob job, DateTimeOffset now, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        if (!await LockAppAsync(connection, tx, job.AppId) || await LockStatusAsync(connection, tx, job.Id) is not { } status)
            return;
        await WriteStatusAsync(connection, tx, job.Id, JobAttention.Resumed(status), now);
        await tx.CommitAsync(ct);
    }

    public async Task StartedAsync(Guid runId, string containerId, Guid? releaseId, DateTimeOffset startedAt, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE job_runs SET container_id = @containerId, release_id = COALESCE(release_id, @releaseId), started_at = COALESCE(started_at, @startedAt)
            WHERE id = @runId AND outcome IS NULL
            """, new { runId, containerId, releaseId, startedAt = startedAt.UtcDateTime }, cancellationToken: ct));
    }

    /// <summary>Why the reconciler is about to stop the run: the outcome it gets once its container exits (first reason wins).</summary>
    public async Task StoppingAsync(Guid runId, string outcome, string reason, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE job_runs SET stop_outcome = COALESCE(stop_outcome, @outcome), stop_reason = COALESCE(stop_reason, @reason) WHERE id = @runId AND outcome IS NULL",
            new { runId, outcome, reason }, cancellationToken: ct));
    }

    /// <summary>
    /// Records the run's end once (a run that already has an outcome is left alone: false) and, for a job's run, moves the
    /// job's failure streak and attention on in the same transaction.
    /// </summary>
    public async Task<(bool Recorded, JobAttentionEvent? Event, string? JobName)> FinishAsync(
        FinishRun finish, DateTimeOffset endedAt, Guid? releaseId, DateTimeOffset now, JobAttentionSettings settings, CancellationToken ct)
    {
        var run = finish.Run;
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        if (!await LockAppAsync(connection, tx, run.AppId))
            return (false, null, null);
        // The engine stamps StartedAt once its start call returns, so a command that exits at once can have a FinishedAt
        // a fraction of a millisecond before it: a run never ends before it started (GREATEST skips nulls).
        var recorded = await connection.ExecuteAsync(
            """
            UPDATE job_runs SET outcome = @Outcome, reason = @OutcomeReason, exit_code = @ExitCode,
                                ended_at = GREATEST(@endedAt, started_at, @startedAt),
                                container_id = COALESCE(container_id, @containerId), release_id = COALESCE(release_id, @releaseId),
                                started_at = COALESCE(started_at, @startedAt)
            WHERE id = @RunId AND outcome IS NULL
            """,
            new
            {
                finish.Outcome, finish.OutcomeReason, finish.ExitCode, endedAt = endedAt.UtcDateTime, containerId = finish.Container?.Id, releaseId,
                startedAt = finish.Container?.StartedAt?.UtcDateTime, finish.RunId,
            }, tx) > 0;
        JobAttentionEvent? e = null;
        string? jobName = null;
        if (recorded && run.JobId is { } jobId && await LockStatusAsync(connection, tx, jobId) is { } status)
        {
            jobName = await connection.ExecuteScalarAsync<string?>("SELECT name FROM cron_jobs WHERE id = @jobId", new { jobId }, tx);
            (status, e) = JobAttention.After(jobName ?? "?", status, finish.Outcome, finish.OutcomeReason, now, settings);
            await WriteStatusAsync(connection, tx, jobId, status, now);
        }

        await tx.CommitAsync(ct);
        return (recorded, e, jobName);
    }

    /// <summary>Keeps each job's newest <see cref="JobRules.HistoryRuns"/> ended runs (and each app's one-off runs), none older than <see cref="JobRules.HistoryDays"/> days but the newest.</summary>
    public async Task<int> TrimHistoryAsync(DateTimeOffset now, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(
            """
            DELETE FROM job_runs r USING (
                SELECT id, requested_at, row_number() OVER (PARTITION BY kind, COALESCE(job_id, app_id) ORDER BY requested_at DESC, id DESC) AS n
                FROM job_runs WHERE outcome IS NOT NULL
            ) o
            WHERE r.id = o.id AND o.n > 1 AND (o.n > @keep OR o.requested_at < @oldest)
            """, new { keep = JobRules.HistoryRuns, oldest = (now - TimeSpan.FromDays(JobRules.HistoryDays)).UtcDateTime }, cancellationToken: ct));
    }

    private static async Task<bool> LockAppAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid appId) =>
        await connection.ExecuteScalarAsync<Guid?>("SELECT id FROM apps WHERE id = @appId FOR KEY SHARE", new { appId }, tx) is not null;

    private static async Task<JobStatus?> LockStatusAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid jobId)
    {
        if (await connection.ExecuteScalarAsync<Guid?>("SELECT id FROM cron_jobs WHERE id = @jobId FOR KEY SHARE", new { jobId }, tx) is null)
            return null;
        var row = await connection.QuerySingleOrDefaultAsync<StatusRow>(
            """
            SELECT scheduled_through, consecutive_failures, attention, attention_reason, attention_since, auto_suspended_at
            FROM cron_job_status WHERE job_id = @jobId FOR UPDATE
            """, new { jobId }, tx);
        return row?.ToStatus() ?? new JobStatus(DateTimeOffset.MinValue, 0, null, null, null, null);
    }

    private static Task WriteStatusAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid jobId, JobStatus status, DateTimeOffset now) =>
        connection.ExecuteAsync(
            """
            INSERT INTO cron_job_status (job_id, scheduled_through, consecutive_failures, attention, attention_reason, attention_since, auto_suspended_at, updated_at)
            VALUES (@jobId, @through, @ConsecutiveFailures, @Attention, @AttentionReason, @since, @suspended, @now)
            ON CONFLICT (job_id) DO UPDATE SET
                scheduled_through = GREATEST(cron_job_status.scheduled_through, excluded.scheduled_through),
                consecutive_failures = excluded.consecutive_failures, attention = excluded.attention, attention_reason = excluded.attention_reason,
                attention_since = excluded.attention_since, auto_suspended_at = excluded.auto_suspended_at, updated_at = excluded.updated_at
            """,
            new
            {
                jobId, through = (status.ScheduledThrough == DateTimeOffset.MinValue ? now : status.ScheduledThrough).UtcDateTime, status.ConsecutiveFailures,
                status.Attention, status.AttentionReason, since = status.AttentionSince?.UtcDateTime, suspended = status.AutoSuspendedAt?.UtcDateTime,
                now = now.UtcDateTime,
            }, tx);

    private static DateTimeOffset Utc(DateTime value) => new(DateTime.SpecifyKind(value, DateTimeKind.Utc));

    private static DateTimeOffset? Utc(DateTime? value) => value is { } v ? Utc(v) : null;

    private sealed record JobRow
    {
        public Guid Id { get; init; }
        public Guid AppId { get; init; }
        public string Name { get; init; } = "";
        public string Schedule { get; init; } = "";
        public string TimeZone { get; init; } = "";
        public string Command { get; init; } = "";
        public string ConcurrencyPolicy { get; init; } = "";
        public int TimeoutSeconds { get; init; }
        public int? StartingDeadlineSeconds { get; init; }
        public bool Suspended { get; init; }
        public DateTime ScheduleFrom { get; init; }
        public DateTime? ResumedAt { get; init; }
        public Guid? StatusJobId { get; init; }
        public DateTime? ScheduledThrough { get; init; }
        public int? ConsecutiveFailures { get; init; }
        public string? Attention { get; init; }
        public string? AttentionReason { get; init; }
        public DateTime? AttentionSince { get; init; }
        public DateTime? AutoSuspendedAt { get; init; }

        public CronJob ToJob() => new(Id, AppId, Name, CronSchedule.ParseStored(Schedule, TimeZone), Command, ConcurrencyPolicy, TimeoutSeconds,
            StartingDeadlineSeconds, Suspended, Utc(ScheduleFrom), Utc(ResumedAt),
            StatusJobId is null ? null : new JobStatus(Utc(ScheduledThrough!.Value), ConsecutiveFailures ?? 0, Attention, AttentionReason, Utc(AttentionSince), Utc(AutoSuspendedAt)));
    }

    private sealed record StatusRow
    {
        public DateTime ScheduledThrough { get; init; }
        public int ConsecutiveFailures { get; init; }
        public string? Attention { get; init; }
        public string? AttentionReason { get; init; }
        public DateTime? AttentionSince { get; init; }
        public DateTime? AutoSuspendedAt { get; init; }

        public JobStatus ToStatus() => new(Utc(ScheduledThrough), ConsecutiveFailures, Attention, AttentionReason, Utc(AttentionSince), Utc(AutoSuspendedAt));
    }

    private sealed record RunRow
    {
        public Guid Id { get; init; }
        public Guid AppId { get; init; }
        public Guid? JobId { get; init; }
        public string Kind { get; init; } = "";
        public string Trigger { get; init; } = "";
        public string Command { get; init; } = "";
        public string? Process { get; init; }
        public int TimeoutSeconds { get; init; }
        public int? StartingDeadlineSeconds { get; init; }
        public DateTime? ScheduledFor { get; init; }
        public DateTime RequestedAt { get; init; }
        public DateTime? StopRequestedAt { get; init; }
        public string? ContainerId { get; init; }
        public DateTime? StartedAt { get; init; }
        public string? StopOutcome { get; init; }
        public string? StopReason { get; init; }

        public OpenRun ToOpenRun() => new(Id, AppId, JobId, Kind, Trigger, Command, Process, TimeoutSeconds, StartingDeadlineSeconds, Utc(ScheduledFor),
            Utc(RequestedAt), Utc(StopRequestedAt), ContainerId, Utc(StartedAt), StopOutcome, StopReason);
    }
}
