using Dapper;
using Npgsql;

namespace PersonalCloud.Reconciler.Heartbeats;

/// <summary>Writes this process's rows of <c>platform_components</c>; Postgres's clock stamps them, so readers compare with the same clock.</summary>
public sealed class HeartbeatStore(NpgsqlDataSource db)
{
    public async Task BeatAsync(string name, int pid, DateTimeOffset startedAt, string? problem, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO platform_components (name, pid, started_at, heartbeat_at, healthy, detail, unhealthy_since, stopped_at)
            VALUES (@name, @pid, @startedAt, now(), @healthy, @problem, CASE WHEN @healthy THEN NULL ELSE now() END, NULL)
            ON CONFLICT (name) DO UPDATE SET pid = excluded.pid, started_at = excluded.started_at, heartbeat_at = now(),
                healthy = excluded.healthy, detail = excluded.detail, stopped_at = NULL,
                unhealthy_since = CASE WHEN excluded.healthy THEN NULL
                                       ELSE COALESCE(platform_components.unhealthy_since, now()) END
            """,
            new { name, pid, startedAt = startedAt.UtcDateTime, healthy = problem is null, problem },
            cancellationToken: ct));
    }

    /// <summary>Marks the row stopped, if it is still this process's (a newer process may have taken it over).</summary>
    public async Task StoppedAsync(string name, int pid, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE platform_components SET stopped_at = now() WHERE name = @name AND pid = @pid",
            new { name, pid }, cancellationToken: ct));
    }
}
