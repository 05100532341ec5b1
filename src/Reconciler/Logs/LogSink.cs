using Npgsql;
using NpgsqlTypes;
using PersonalCloud.Contracts.Notifications;

namespace PersonalCloud.Reconciler.Logs;

/// <summary>Whose lines these are: the app, the release the container runs, and the container.</summary>
public sealed record LogSource(Guid AppId, Guid? ReleaseId, string ContainerId);

/// <summary>A line ready for storage: masked, marked if cut, with the engine's exact timestamp.</summary>
public readonly record struct StoredLine(long UnixNanos, string Stream, string Message);

/// <summary>Stores log lines with binary COPY, together with the container's cursor and a wake-up for live followers.</summary>
public sealed class LogSink(NpgsqlDataSource db)
{
    private const long NanosPerMicrosecond = 1_000;

    /// <summary>The engine timestamp (ns) of the last line stored for the container, or null when none was.</summary>
    public async Task<long?> ReadCursorAsync(string containerId, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using (var cursor = new NpgsqlCommand("SELECT last_unix_nanos FROM log_cursors WHERE container_id = $1", connection))
        {
            cursor.Parameters.AddWithValue(containerId);
            if (await cursor.ExecuteScalarAsync(ct) is long nanos)
                return nanos;
        }

        // Lines stored before cursors existed: Postgres kept microseconds, so the whole last microsecond counts as stored.
        await using var legacy = new NpgsqlCommand("SELECT max(timestamp) FROM log_lines WHERE container_id = $1", connection);
        legacy.Parameters.AddWithValue(containerId);
        return await legacy.ExecuteScalarAsync(ct) is DateTime t
            ? ((t.Ticks - DateTime.UnixEpoch.Ticks) * TimeSpan.NanosecondsPerTick) + NanosPerMicrosecond - 1
            : null;
    }

    /// <summary>
    /// One transaction: the lines (binary COPY), the cursor moved to the newest of them with the stored and dropped counts
    /// added, their id range for the search indexer (<see cref="LogSearchIndexer"/>), and NOTIFY on
    /// <see cref="NotificationChannels.LogsAppended"/>. A crash leaves all of it or none.
    /// </summary>
    public async Task StoreAsync(LogSource source, IReadOnlyList<StoredLine> lines, long stored, long dropped, DateTimeOffset now, CancellationToken ct)
    {
        if (lines.Count == 0)
            return;
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        // Every id the COPY takes is above this one: with currval after it, the range the search indexer will chunk.
        long below;
        await using (var reserve = new NpgsqlCommand("SELECT nextval('log_lines_id_seq')", connection, transaction))
            below = (long)(await reserve.ExecuteScalarAsync(ct))!;
        var last = long.MinValue;
        await using (var writer = await connection.BeginBinaryImportAsync(
            "COPY log_lines (app_id, release_id, container_id, stream, message, timestamp) FROM STDIN (FORMAT BINARY)", ct))
        {
            foreach (var line in lines)
            {
                await writer.StartRowAsync(ct);
                await writer.WriteAsync(source.AppId, NpgsqlDbType.Uuid, ct);
                if (source.ReleaseId is { } release)
                    await writer.WriteAsync(release, NpgsqlDbType.Uuid, ct);
                else
                    await writer.WriteNullAsync(ct);
                await writer.WriteAsync(source.ContainerId, NpgsqlDbType.Text, ct);
                await writer.WriteAsync(line.Stream, NpgsqlDbType.Text, ct);
                // Postgres text cannot hold NUL.
                await writer.WriteAsync(line.Message.Contains('\0', StringComparison.Ordinal) ? line.Message.Replace('\0', '\uFFFD') : line.Message,
                    NpgsqlDbType.Text, ct);
                await writer.WriteAsync(DateTime.UnixEpoch.AddTicks(line.UnixNanos / TimeSpan.NanosecondsPerTick), NpgsqlDbType.TimestampTz, ct);
                last = Math.Max(last, line.UnixNanos);
            }

            await writer.CompleteAsync(ct);
        }

        await using var batch = new NpgsqlBatch(connection, transaction)
        {
            BatchCommands =
            {
                // A Postgres crash may lose the last commits, but lines and cursor together: they are read again, not lost.
                new NpgsqlBatchCommand("SET LOCAL synchronous_commit = off"),
                new NpgsqlBatchCommand(
                    """
                    INSERT INTO log_cursors (container_id, app_id, last_unix_nanos, lines_stored, lines_dropped, updated_at)
                    VALUES ($1, $2, $3, $4, $5, $6)
                    ON CONFLICT (container_id) DO UPDATE SET
                        last_unix_nanos = greatest(log_cursors.last_unix_nanos, excluded.last_unix_nanos),
                        lines_stored = log_cursors.lines_stored + excluded.lines_stored,
                        lines_dropped = log_cursors.lines_dropped + excluded.lines_dropped,
                        updated_at = excluded.updated_at
                    """)
                {
                    Parameters =
                    {
                        new() { Value = source.ContainerId }, new() { Value = source.AppId }, new() { Value = last },
                        new() { Value = stored }, new() { Value = dropped }, new() { Value = now.UtcDateTime },
                    },
                },
                new NpgsqlBatchCommand(
                    "INSERT INTO log_search_pending (app_id, container_id, after_id, last_id) VALUES ($1, $2, $3, currval('log_lines_id_seq'))")
                {
                    Parameters = { new() { Value = source.AppId }, new() { Value = source.ContainerId }, new() { Value = below } },
                },
                new NpgsqlBatchCommand("SELECT pg_notify($1, $2)")
                {
                    Parameters = { new() { Value = NotificationChannels.LogsAppended }, new() { Value = source.AppId.ToString("D") } },
                },
            },
        };
        await batch.ExecuteNonQueryAsync(ct);
        await transaction.CommitAsync(ct);
    }
}
