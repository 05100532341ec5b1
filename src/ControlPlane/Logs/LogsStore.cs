using Dapper;
using Npgsql;

namespace PersonalCloud.ControlPlane.Logs;

public sealed record LogLineRow
{
    public long Id { get; init; }
    public Guid? ReleaseId { get; init; }
    public string Stream { get; init; } = "";
    public string Message { get; init; } = "";
    public DateTime Timestamp { get; init; }
}

public sealed class LogsStore(NpgsqlDataSource db)
{
    /// <summary>The newest <paramref name="limit"/> lines, returned oldest first.</summary>
    public async Task<IReadOnlyList<LogLineRow>> TailAsync(Guid appId, int limit, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var rows = await connection.QueryAsync<LogLineRow>(new CommandDefinition(
            """
            SELECT * FROM (
                SELECT id, release_id, stream, message, timestamp FROM log_lines
                WHERE app_id = @appId ORDER BY id DESC LIMIT @limit
            ) newest ORDER BY id
            """,
            new { appId, limit }, cancellationToken: ct));
        return rows.AsList();
    }
}
