using Dapper;
using Npgsql;

namespace PersonalCloud.ControlPlane.Events;

public sealed record AppEventRow
{
    public long Id { get; init; }
    public Guid? ReleaseId { get; init; }
    public long? Generation { get; init; }
    public string Action { get; init; } = "";
    public string Reason { get; init; } = "";
    public string Outcome { get; init; } = "";
    public string? Error { get; init; }
    public int DurationMs { get; init; }
    public DateTime At { get; init; }
}

/// <summary>Reads the journal the reconciler writes.</summary>
public sealed class EventsStore(NpgsqlDataSource db)
{
    /// <summary>Newest first; <paramref name="before"/> pages backwards by id.</summary>
    public async Task<IReadOnlyList<AppEventRow>> ListAsync(Guid appId, int limit, long? before, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var rows = await connection.QueryAsync<AppEventRow>(new CommandDefinition(
            """
            SELECT id, release_id, generation, action, reason, outcome, error, duration_ms, at
            FROM app_events WHERE app_id = @appId AND (@before::bigint IS NULL OR id < @before)
            ORDER BY id DESC LIMIT @limit
            """,
            new { appId, limit, before }, cancellationToken: ct));
        return rows.AsList();
    }
}
