using Npgsql;
using NpgsqlTypes;
using PersonalCloud.Reconciler.Containers;

namespace PersonalCloud.Reconciler.Logs;

/// <summary>Stores log lines with binary COPY and keeps each app to its retention bound.</summary>
public sealed class LogSink(NpgsqlDataSource db)
{
    public async Task<DateTimeOffset?> LastTimestampAsync(string containerId, CancellationToken ct)
    {
        await using var command = db.CreateCommand("SELECT max(timestamp) FROM log_lines WHERE container_id = $1");
        command.Parameters.AddWithValue(containerId);
        var value = await command.ExecuteScalarAsync(ct);
        return value is DateTime t ? new DateTimeOffset(DateTime.SpecifyKind(t, DateTimeKind.Utc)) : null;
    }

    public async Task WriteAsync(Guid appId, Guid? releaseId, string containerId, IReadOnlyList<ContainerLogEntry> lines, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var writer = await connection.BeginBinaryImportAsync(
            "COPY log_lines (app_id, release_id, container_id, stream, message, timestamp) FROM STDIN (FORMAT BINARY)", ct);
        foreach (var line in lines)
        {
            await writer.StartRowAsync(ct);
            await writer.WriteAsync(appId, NpgsqlDbType.Uuid, ct);
            if (releaseId is { } r)
                await writer.WriteAsync(r, NpgsqlDbType.Uuid, ct);
            else
                await writer.WriteNullAsync(ct);
            await writer.WriteAsync(containerId, NpgsqlDbType.Text, ct);
            await writer.WriteAsync(line.Stream, NpgsqlDbType.Text, ct);
            // Postgres text cannot hold NUL.
            await writer.WriteAsync(line.Message.Replace('\0', '\uFFFD'), NpgsqlDbType.Text, ct);
            await writer.WriteAsync(line.Timestamp.UtcDateTime, NpgsqlDbType.TimestampTz, ct);
        }

        await writer.CompleteAsync(ct);
    }

    /// <summary>Deletes all but the newest <paramref name="keep"/> lines of every app.</summary>
    public async Task EnforceRetentionAsync(int keep, CancellationToken ct)
    {
        await using var command = db.CreateCommand(
            """
            DELETE FROM log_lines l USING (
                SELECT a.id AS app_id, (SELECT id FROM log_lines x WHERE x.app_id = a.id ORDER BY id DESC OFFSET $1 LIMIT 1) AS cutoff
                FROM apps a
            ) c
            WHERE l.app_id = c.app_id AND c.cutoff IS NOT NULL AND l.id <= c.cutoff
            """);
        command.Parameters.AddWithValue(keep);
        await command.ExecuteNonQueryAsync(ct);
    }
}
