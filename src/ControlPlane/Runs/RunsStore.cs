using Dapper;
using Npgsql;
using PersonalCloud.Contracts.Jobs;
using PersonalCloud.Contracts.Labels;

namespace PersonalCloud.ControlPlane.Runs;

/// <summary>One run as stored (job_runs), with its job's name.</summary>
public sealed record RunRow
{
    public Guid Id { get; init; }
    public Guid AppId { get; init; }
    public Guid? JobId { get; init; }
    public string? JobName { get; init; }
    public string Kind { get; init; } = "";
    public string Trigger { get; init; } = "";
    public string Command { get; init; } = "";
    public string? Process { get; init; }
    public int TimeoutSeconds { get; init; }
    public DateTime? ScheduledFor { get; init; }
    public DateTime RequestedAt { get; init; }
    public DateTime? StopRequestedAt { get; init; }
    public Guid? ReleaseId { get; init; }
    public string? ContainerId { get; init; }
    public DateTime? StartedAt { get; init; }
    public DateTime? EndedAt { get; init; }
    public int? ExitCode { get; init; }
    public string? Outcome { get; init; }
    public string? Reason { get; init; }

    public string Status => Outcome is not null ? RunStatuses.Ended : StartedAt is not null ? RunStatuses.Running : RunStatuses.Queued;
}

/// <summary>A run the owner asks for: a one-off command, or a job's "run now".</summary>
public sealed record NewRun(Guid Id, Guid AppId, Guid? JobId, string Kind, string Command, string? Process, int TimeoutSeconds, DateTimeOffset RequestedAt);

public enum RunRequestOutcome
{
    Queued,
    AppNotFound,
    NoServingRelease,
}

public enum StopRequestOutcome
{
    Requested,
    NotFound,
    AlreadyEnded,
}

/// <summary>
/// Reads runs and writes what the owner asks of them: a new run (queued; the reconciler starts it) and a stop request.
/// Starts, ends and outcomes are the reconciler's. Every request wakes the scheduler (a trigger on job_runs).
/// </summary>
public sealed class RunsStore(NpgsqlDataSource db)
{
    public const string SelectRun =
        """
        SELECT r.id, r.app_id, r.job_id, j.name AS job_name, r.kind, r.trigger, r.command, r.process, r.timeout_seconds, r.scheduled_for, r.requested_at,
               r.stop_requested_at, r.release_id, r.container_id, r.started_at, r.ended_at, r.exit_code, r.outcome, r.reason
        FROM job_runs r LEFT JOIN cron_jobs j ON j.id = r.job_id
        """;

    public async Task<RunRequestOutcome> RequestAsync(NewRun run, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var app = await connection.QuerySingleOrDefaultAsync<AppServing>(
            "SELECT id, current_release_id FROM apps WHERE id = @AppId FOR KEY SHARE", new { run.AppId }, tx);
        if (app is null)
            return RunRequestOutcome.AppNotFound;
        if (app.CurrentReleaseId is null)
            return RunRequestOutcome.NoServingRelease;
        await connection.ExecuteAsync(
            """
            INSERT INTO job_runs (id, app_id, job_id, kind, trigger, command, process, timeout_seconds, requested_at)
            VALUES (@Id, @AppId, @JobId, @Kind, @trigger, @Command, @Process, @TimeoutSeconds, @requestedAt)
            """,
            new { run.Id, run.AppId, run.JobId, run.Kind, trigger = RunTriggers.Manual, run.Command, run.Process, run.TimeoutSeconds, requestedAt = run.RequestedAt.UtcDateTime },
            tx);
        await tx.CommitAsync(ct);
        return RunRequestOutcome.Queued;
    }

    public async Task<RunRow?> GetAsync(Guid appId, Guid runId, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<RunRow>(new CommandDefinition(
            SelectRun + " WHERE r.app_id = @appId AND r.id = @runId", new { appId, runId }, cancellationToken: ct));
    }

    /// <summary>Newest first: one kind of an app's runs, or one job's, before <paramref name="before"/> (a requested_at) when paging.</summary>
    public async Task<IReadOnlyList<RunRow>> ListAsync(Guid appId, string? kind, Guid? jobId, int limit, DateTimeOffset? before, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var rows = await connection.QueryAsync<RunRow>(new CommandDefinition(
            SelectRun +
            """
             WHERE r.app_id = @appId AND (@kind::text IS NULL OR r.kind = @kind) AND (@jobId::uuid IS NULL OR r.job_id = @jobId)
               AND (@before::timestamptz IS NULL OR r.requested_at < @before)
            ORDER BY r.requested_at DESC, r.id DESC LIMIT @limit
            """,
            new { appId, kind, jobId, limit, before = before?.UtcDateTime }, cancellationToken: ct));
        return rows.AsList();
    }

    /// <summary>The newest <paramref name="perJob"/> runs of each of the app's jobs, newest first.</summary>
    public async Task<ILookup<Guid, RunRow>> RecentByJobAsync(Guid appId, int perJob, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var rows = await connection.QueryAsync<RunRow>(new CommandDefinition(
            $"""
            SELECT * FROM (
                {SelectRun} WHERE r.app_id = @appId AND r.kind = @kind
                  AND r.id IN (SELECT id FROM (SELECT id, row_number() OVER (PARTITION BY job_id ORDER BY requested_at DESC, id DESC) AS n
                                               FROM job_runs WHERE app_id = @appId AND kind = @kind) ranked WHERE n <= @perJob)
            ) recent ORDER BY requested_at DESC, id DESC
            """,
            new { appId, kind = RunLabels.JobKind, perJob }, cancellationToken: ct));
        return rows.ToLookup(r => r.JobId!.Value);
    }

    public async Task<(StopRequestOutcome Outcome, RunRow? Run)> RequestStopAsync(Guid appId, Guid runId, DateTimeOffset now, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE job_runs SET stop_requested_at = COALESCE(stop_requested_at, @now) WHERE app_id = @appId AND id = @runId AND outcome IS NULL",
            new { now = now.UtcDateTime, appId, runId }, cancellationToken: ct));
        var run = await connection.QuerySingleOrDefaultAsync<RunRow>(new CommandDefinition(
            SelectRun + " WHERE r.app_id = @appId AND r.id = @runId", new { appId, runId }, cancellationToken: ct));
        return run is null ? (StopRequestOutcome.NotFound, null)
            : run.Outcome is not null ? (StopRequestOutcome.AlreadyEnded, run)
            : (StopRequestOutcome.Requested, run);
    }

    private sealed record AppServing
    {
        public Guid Id { get; init; }
        public Guid? CurrentReleaseId { get; init; }
    }
}
