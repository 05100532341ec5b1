using Dapper;
using Npgsql;
using PersonalCloud.Contracts.Notifications;
using PersonalCloud.Reconciler.Containers;

namespace PersonalCloud.Reconciler.Health;

/// <summary>
/// Probes each serving app on its own interval from the host side and keeps a bounded history. After the app's
/// unhealthy threshold of consecutive failures it asks for a rolling restart (a new restart generation), which the
/// reconciler carries out like any other change of desired state.
/// </summary>
public sealed partial class HealthMonitor(
    NpgsqlDataSource db, IContainerRuntime runtime, Routing.RouteTable routes, HttpProbe probe, Events.EventJournal journal, TimeProvider time,
    ILogger<HealthMonitor> logger) : BackgroundService
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
                SELECT a.id AS app_id, a.current_release_id AS release_id, r.port, h.path, h.timeout_seconds, h.unhealthy_threshold
                FROM apps a
                JOIN health_checks h ON h.app_id = a.id
                JOIN releases r ON r.id = a.current_release_id
                WHERE r.port IS NOT NULL AND a.status = 'running'
                  AND (h.last_checked_at IS NULL OR h.last_checked_at + make_interval(secs => h.interval_seconds) <= @now)
                """, new { now }, cancellationToken: ct))).AsList();
        }

        foreach (var check in due)
        {
            var containers = (await runtime.ListManagedAsync(check.AppId, ct))
                .Where(c => c.IsProcess && !c.IsWorker && c.ReleaseId == check.ReleaseId && c.State == ContainerState.Running && c.IpAddress is not null)
                .ToList();
            // Every web replica that receives traffic is probed; the app's result is the worst of them (a failing one is named).
            var route = await routes.GetAsync(check.AppId, ct);
            var serving = containers.Where(c => route?.Route.Upstreams.Contains($"{c.IpAddress}:{check.Port}") == true).ToList();
            if (serving.Count == 0 && containers.MaxBy(c => c.CreatedAt) is { } newest)
                serving = [newest];
            var result = serving.Count == 0
                ? new ProbeResult(false, null, 0, "no running container for the current release")
                : Worst(serving, await Task.WhenAll(serving.Select(c => probe.CheckAsync(c.IpAddress!, check.Port, check.Path, TimeSpan.FromSeconds(check.TimeoutSeconds), ct))));
            await RecordAsync(check, result, now, ct);
        }
    }

    /// <summary>The first failure (naming its replica when there are several), else the slowest pass.</summary>
    private static ProbeResult Worst(IReadOnlyList<ObservedContainer> replicas, ProbeResult[] results)
    {
        var failed = Array.FindIndex(results, r => !r.Healthy);
        if (failed < 0)
            return results.MaxBy(r => r.LatencyMs)!;
        return replicas.Count == 1 ? results[failed] : results[failed] with { Error = $"replica {replicas[failed].Replica}: {results[failed].Error}" };
    }

    private async Task RecordAsync(DueCheck check, ProbeResult result, DateTimeOffset now, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        // Lock the app row before its children, in the same order as the API's delete, so the two never deadlock.
        if (await connection.ExecuteScalarAsync<Guid?>("SELECT id FROM apps WHERE id = @AppId FOR UPDATE", new { check.AppId }, tx) is null)
            return;
        var status = result.Healthy ? "healthy" : "unhealthy";
        await connection.ExecuteAsync(
            """
            INSERT INTO health_check_results (app_id, release_id, checked_at, status, http_status, latency_ms, error)
            SELECT @AppId, @ReleaseId, @now, @status, @HttpStatus, @LatencyMs, @Error WHERE EXISTS (SELECT 1 FROM apps WHERE id = @AppId)
            """,
            new { check.AppId, check.ReleaseId, now, status, result.HttpStatus, result.LatencyMs, result.Error }, tx);
        var failures = await connection.ExecuteScalarAsync<int?>(
            """
            UPDATE health_checks SET last_status = @status, last_checked_at = @now,
                   consecutive_failures = CASE WHEN @healthy THEN 0 ELSE consecutive_failures + 1 END
            WHERE app_id = @AppId RETURNING consecutive_failures
            """,
            new { status, now, healthy = result.Healthy, check.AppId }, tx) ?? 0;
        await connection.ExecuteAsync(
            """
            DELETE FROM health_check_results WHERE app_id = @AppId AND id NOT IN (
                SELECT id FROM health_check_results WHERE app_id = @AppId ORDER BY checked_at DESC LIMIT @keep)
            """,
            new { check.AppId, keep = HistoryPerApp }, tx);

        if (failures >= check.UnhealthyThreshold)
        {
            await connection.ExecuteAsync(
                """
                UPDATE health_checks SET consecutive_failures = 0 WHERE app_id = @AppId;
                UPDATE apps SET restart_generation = restart_generation + 1, generation = generation + 1, restart_count = restart_count + 1,
                                last_error = @reason
                WHERE id = @AppId;
                SELECT pg_notify(@channel, @payload);
                """,
                new
                {
                    check.AppId, reason = $"replaced after {failures} failed health checks (last: {result.Error})",
                    channel = NotificationChannels.DesiredStateChanged, payload = check.AppId.ToString(),
                }, tx);
            LogReplacing(logger, check.AppId, failures, result.Error);
        }

        await tx.CommitAsync(ct);
        if (failures >= check.UnhealthyThreshold)
        {
            await journal.RecordAsync(new Events.AppEvent(check.AppId, check.ReleaseId, null, "RequestRollingRestart",
                $"{failures} health checks of {check.Path} failed in a row (last: {result.Error})", Events.EventJournal.Succeeded, null, TimeSpan.Zero), ct);
        }
    }

    private sealed record DueCheck
    {
        public Guid AppId { get; init; }
        public Guid ReleaseId { get; init; }
        public int Port { get; init; }
        public string Path { get; init; } = "/";
        public int TimeoutSeconds { get; init; }
        public int UnhealthyThreshold { get; init; }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "App {AppId}: {Failures} health checks failed in a row ({Error}); rolling restart")]
    private static partial void LogReplacing(ILogger logger, Guid appId, int failures, string? error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Health probing failed")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
