using Dapper;
using Npgsql;

namespace PersonalCloud.ControlPlane.Health;

public sealed record HealthCheckRow
{
    public string Path { get; init; } = "/";
    public int IntervalSeconds { get; init; }
    public string? LastStatus { get; init; }
    public DateTime? LastCheckedAt { get; init; }
}

public sealed record HealthResultRow
{
    public DateTime CheckedAt { get; init; }
    public string Status { get; init; } = "";
    public int? HttpStatus { get; init; }
    public int LatencyMs { get; init; }
    public string? Error { get; init; }
}

public sealed class HealthStore(NpgsqlDataSource db)
{
    public async Task<(HealthCheckRow? Check, IReadOnlyList<HealthResultRow> History)> GetAsync(Guid appId, int limit, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var check = await connection.QuerySingleOrDefaultAsync<HealthCheckRow>(new CommandDefinition(
            "SELECT path, interval_seconds, last_status, last_checked_at FROM health_checks WHERE app_id = @appId", new { appId }, cancellationToken: ct));
        var history = await connection.QueryAsync<HealthResultRow>(new CommandDefinition(
            "SELECT checked_at, status, http_status, latency_ms, error FROM health_check_results WHERE app_id = @appId ORDER BY checked_at DESC LIMIT @limit",
            new { appId, limit }, cancellationToken: ct));
        return (check, history.AsList());
    }

    /// <summary>Every component's heartbeat row and Postgres's clock, in one round trip.</summary>
    public async Task<(IReadOnlyList<ComponentRow> Rows, DateTimeOffset Now)> ComponentsAsync(CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var now = await connection.ExecuteScalarAsync<DateTime>(new CommandDefinition("SELECT now()", cancellationToken: ct));
        var rows = await connection.QueryAsync<ComponentRow>(new CommandDefinition(
            "SELECT name, pid, started_at, heartbeat_at, healthy, detail, unhealthy_since, stopped_at FROM platform_components",
            cancellationToken: ct));
        return (rows.AsList(), new DateTimeOffset(DateTime.SpecifyKind(now, DateTimeKind.Utc)));
    }

    /// <summary>Readiness of the API itself: the database answers.</summary>
    public async Task<bool> DatabaseAnswersAsync(CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.ExecuteScalarAsync<int>("SELECT 1") == 1;
    }
}
