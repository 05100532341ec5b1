using Dapper;
using Npgsql;

namespace PersonalCloud.ControlPlane.Jobs;

/// <summary>One cron job as stored, with the reconciler's status joined in.</summary>
public sealed record CronJobRow
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
    public DateTime CreatedAt { get; init; }
    public DateTime UpdatedAt { get; init; }
    public int? ConsecutiveFailures { get; init; }
    public string? Attention { get; init; }
    public string? AttentionReason { get; init; }
    public DateTime? AttentionSince { get; init; }
    public DateTime? AutoSuspendedAt { get; init; }

    public bool AutoSuspended => AutoSuspendedAt is { } at && (ResumedAt is null || ResumedAt < at);
}

/// <summary>A job as the owner asks for it (validated), to create or replace.</summary>
public sealed record CronJobDefinition(string Name, string Schedule, string TimeZone, string Command, string ConcurrencyPolicy, int TimeoutSeconds,
    int? StartingDeadlineSeconds, bool Suspended);

public enum CronJobWrite
{
    Written,
    AppNotFound,
    JobNotFound,
    NameTaken,
    TooMany,
}

/// <summary>Reads and writes cron_jobs (desired state); reads cron_job_status (the reconciler's). Every write wakes the scheduler (a trigger).</summary>
public sealed class CronJobsStore(NpgsqlDataSource db)
{
    private const string SelectJob =
        """
        SELECT j.id, j.app_id, j.name, j.schedule, j.time_zone, j.command, j.concurrency_policy, j.timeout_seconds, j.starting_deadline_seconds,
               j.suspended, j.schedule_from, j.resumed_at, j.created_at, j.updated_at, s.consecutive_failures, s.attention, s.attention_reason,
               s.attention_since, s.auto_suspended_at
        FROM cron_jobs j LEFT JOIN cron_job_status s ON s.job_id = j.id
        """;

    public async Task<IReadOnlyList<CronJobRow>> ListAsync(Guid appId, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<CronJobRow>(new CommandDefinition(SelectJob + " WHERE j.app_id = @appId ORDER BY j.name", new { appId }, cancellationToken: ct))).AsList();
    }

    public async Task<CronJobRow?> GetAsync(Guid appId, Guid jobId, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<CronJobRow>(new CommandDefinition(
            SelectJob + " WHERE j.app_id = @appId AND j.id = @jobId", new { appId, jobId }, cancellationToken: ct));
    }

    public async Task<CronJobWrite> CreateAsync(Guid appId, Guid jobId, CronJobDefinition job, DateTimeOffset now, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        // The app row first (as the delete takes it), and a count that concurrent creates cannot both pass.
        if (await connection.ExecuteScalarAsync<Guid?>("SELECT id FROM apps WHERE id = @appId FOR UPDATE", new { appId }, tx) is null)
            return CronJobWrite.AppNotFound;
        if (await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM cron_jobs WHERE app_id = @appId", new { appId }, tx) >= Contracts.Jobs.JobRules.MaxJobsPerApp)
            return CronJobWrite.TooMany;
        var inserted = await connection.ExecuteAsync(
            """
            INSERT INTO cron_jobs (id, app_id, name, schedule, time_zone, command, concurrency_policy, timeout_seconds, starting_deadline_seconds,
                                   suspended, schedule_from, created_at, updated_at)
            VALUES (@jobId, @appId, @Name, @Schedule, @TimeZone, @Command, @ConcurrencyPolicy, @TimeoutSeconds, @StartingDeadlineSeconds,
                    @Suspended, @now, @now, @now)
            ON CONFLICT (app_id, name) DO NOTHING
            """,
            new
            {
                jobId, appId, job.Name, job.Schedule, job.TimeZone, job.Command, job.ConcurrencyPolicy, job.TimeoutSeconds, job.StartingDeadlineSeconds,
                job.Suspended, now = now.UtcDateTime,
            }, tx);
        if (inserted == 0)
            return CronJobWrite.NameTaken;
        await tx.CommitAsync(ct);
        return CronJobWrite.Written;
    }

    /// <summary>
    /// Replaces a job's definition. A changed schedule or time zone counts from now (nothing of the old one runs late);
    /// un-suspending it counts as a resume (times while suspended are not run late).
    /// </summary>
    public async Task<CronJobWrite> ReplaceAsync(Guid appId, Guid jobId, CronJobDefinition job, DateTimeOffset now, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        try
        {
            var updated = await connection.ExecuteAsync(new CommandDefinition(
                """
                UPDATE cron_jobs SET name = @Name, schedule = @Schedule, time_zone = @TimeZone, command = @Command, concurrency_policy = @ConcurrencyPolicy,
                       timeout_seconds = @TimeoutSeconds, starting_deadline_seconds = @StartingDeadlineSeconds, suspended = @Suspended,
                       schedule_from = CASE WHEN schedule <> @Schedule OR time_zone <> @TimeZone THEN @now ELSE schedule_from END,
                       resumed_at = CASE WHEN suspended AND NOT @Suspended THEN @now ELSE resumed_at END,
                       updated_at = @now
                WHERE app_id = @appId AND id = @jobId
                """,
                new
                {
                    job.Name, job.Schedule, job.TimeZone, job.Command, job.ConcurrencyPolicy, job.TimeoutSeconds, job.StartingDeadlineSeconds, job.Suspended,
                    now = now.UtcDateTime, appId, jobId,
                }, cancellationToken: ct));
            return updated == 0 ? CronJobWrite.JobNotFound : CronJobWrite.Written;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            return CronJobWrite.NameTaken;
        }
    }

    /// <summary>Suspends, or resumes (which also ends a suspension by the platform); false when the job is unknown.</summary>
    public async Task<bool> SetSuspendedAsync(Guid appId, Guid jobId, bool suspended, DateTimeOffset now, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE cron_jobs SET suspended = @suspended, resumed_at = CASE WHEN @suspended THEN resumed_at ELSE @now END, updated_at = @now
            WHERE app_id = @appId AND id = @jobId
            """, new { suspended, now = now.UtcDateTime, appId, jobId }, cancellationToken: ct)) > 0;
    }

    /// <summary>Deletes the job and its runs' records; the reconciler stops and removes any of its containers still running.</summary>
    public async Task<bool> DeleteAsync(Guid appId, Guid jobId, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        if (await connection.ExecuteScalarAsync<Guid?>("SELECT id FROM apps WHERE id = @appId FOR UPDATE", new { appId }, tx) is null)
            return false;
        var deleted = await connection.ExecuteAsync("DELETE FROM cron_jobs WHERE app_id = @appId AND id = @jobId", new { appId, jobId }, tx);
        await tx.CommitAsync(ct);
        return deleted > 0;
    }
}
