using Dapper;
using Npgsql;
using PersonalCloud.Reconciler.Containers;

namespace PersonalCloud.Reconciler.Health;

/// <summary>Probes each serving app on its own interval from the host side and keeps a bounded history.</summary>
public sealed partial class HealthMonitor(NpgsqlDataSource db, IContainerRuntime runtime, HttpProbe probe, TimeProvider time, ILogger<HealthMonitor> logger) : BackgroundService
{
    public const int HistoryPerApp = 200;
    private static readonly TimeSpan Tick = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Tick, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await ProbeDueAppsAsync(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                LogFailed(logger, e);
            }
        }
    }

    private async Task ProbeDueAppsAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        IReadOnlyList<DueCheck> due;
        await using (var connection = await db.OpenConnectionAsync(ct))
        {
            due = (await connection.QueryAsync<DueCheck>(new CommandDefinition(
                """
                SELECT a.id AS app_id, a.current_release_id AS release_id, r.port, h.path
                FROM apps a
                JOIN health_checks h ON h.app_id = a.id
                JOIN releases r ON r.id = a.current_release_id
                WHERE r.port IS NOT NULL
                  AND (h.last_checked_at IS NULL OR h.last_checked_at + make_interval(secs => h.interval_seconds) <= @now)
                """, new { now }, cancellationToken: ct))).AsList();
        }

        foreach (var check in due)
        {
            var containers = await runtime.ListManagedAsync(check.AppId, ct);
            var serving = containers.FirstOrDefault(c => c.ReleaseId == check.ReleaseId && c.State == ContainerState.Running && c.IpAddress is not null);
            var result = serving is null
                ? new ProbeResult(false, null, 0, "no running container for the current release")
                : await probe.CheckAsync(serving.IpAddress!, check.Port, check.Path, ct);
            await RecordAsync(check, result, now, ct);
        }
    }

    private async Task RecordAsync(DueCheck check, ProbeResult result, DateTimeOffset now, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var status = result.Healthy ? "healthy" : "unhealthy";
        await connection.ExecuteAsync(
            """
            INSERT INTO health_check_results (app_id, release_id, checked_at, status, http_status, latency_ms, error)
            SELECT @AppId, @ReleaseId, @now, @status, @HttpStatus, @LatencyMs, @Error WHERE EXISTS (SELECT 1 FROM apps WHERE id = @AppId)
            """,
            new { check.AppId, check.ReleaseId, now, status, result.HttpStatus, result.LatencyMs, result.Error }, tx);
        await connection.ExecuteAsync(
            "UPDATE health_checks SET last_status = @status, last_checked_at = @now WHERE app_id = @AppId",
            new { status, now, check.AppId }, tx);
        await connection.ExecuteAsync(
            """
            DELETE FROM health_check_results WHERE app_id = @AppId AND id NOT IN (
                SELECT id FROM health_check_results WHERE app_id = @AppId ORDER BY checked_at DESC LIMIT @keep)
            """,
            new { check.AppId, keep = HistoryPerApp }, tx);
        await tx.CommitAsync(ct);
    }

    private sealed record DueCheck
    {
        public Guid AppId { get; init; }
        public Guid ReleaseId { get; init; }
        public int Port { get; init; }
        public string Path { get; init; } = "/";
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Health probing failed")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
