using Npgsql;
using NpgsqlTypes;
using PersonalCloud.Contracts.Logs;

namespace PersonalCloud.Reconciler.Logs;

/// <summary>
/// Turns pending line ranges (log_search_pending, written with the lines) into search chunks (log_search_chunks): per
/// step, one container's oldest pending ranges, up to <see cref="StepLines"/> of their lines, cut into chunks of
/// <see cref="ChunkLines"/> with the set of their keys; the chunks and the ranges moved past them in one transaction.
/// </summary>
public sealed class LogSearchIndex(NpgsqlDataSource db)
{
    /// <summary>Lines per chunk: fewer means a search reads fewer lines that do not match, more means fewer, larger rows.</summary>
    public const int ChunkLines = 1_000;

    public const int StepLines = 10 * ChunkLines;

    /// <summary>A container with fewer lines pending waits this long for more, so a quiet app's chunks are not a line each.</summary>
    public static readonly TimeSpan QuietWait = TimeSpan.FromMinutes(1);

    private const string DueSql =
        """
        SELECT app_id, container_id FROM log_search_pending
        GROUP BY app_id, container_id
        HAVING sum(last_id - after_id) >= $1 OR min(stored_at) < now() - $2::interval
        ORDER BY min(id) LIMIT 1
        """;

    // The app row first, as deleting an app does (it then cascades to these rows): the other order deadlocks with it.
    private const string LockAppSql = "SELECT 1 FROM apps WHERE id = $1 FOR KEY SHARE";

    // Ids of one container's ranges never interleave, and its ranges are indexed oldest first: every line of the
    // container between the first selected range's start and the last one's end belongs to a selected range.
    private const string PickSql =
        """
        SELECT id, app_id, container_id, after_id, last_id FROM log_search_pending
        WHERE app_id = $1 AND container_id = $2
        ORDER BY last_id LIMIT 1000
        FOR UPDATE SKIP LOCKED
        """;

    private const string LinesSql =
        """
        SELECT id, message FROM log_lines
        WHERE app_id BETWEEN $1 AND $1 AND id > $2 AND id <= $3 AND container_id = $4
        ORDER BY app_id DESC, id LIMIT $5
        """;

    private sealed record Pending(long Id, Guid AppId, string ContainerId, long AfterId, long LastId);

    /// <summary>Indexes one step; the number of lines it put into chunks, or null when no container is due.</summary>
    public async Task<int?> IndexNextAsync(CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var ranges = await PickAsync(connection, transaction, ct);
        if (ranges.Count == 0)
            return null;

        var (app, container) = (ranges[0].AppId, ranges[0].ContainerId);
        var lines = await ReadLinesAsync(connection, transaction, app, container, ranges.Min(r => r.AfterId), ranges.Max(r => r.LastId), ct);
        await using var batch = new NpgsqlBatch(connection, transaction);
        foreach (var chunk in lines.Chunk(ChunkLines))
        {
            var keys = new HashSet<int>();
            foreach (var (_, message) in chunk)
                LogSearchKeys.Add(message, keys);
            batch.BatchCommands.Add(new NpgsqlBatchCommand(
                "INSERT INTO log_search_chunks (app_id, container_id, first_id, last_id, keys) VALUES ($1, $2, $3, $4, $5)")
            {
                Parameters =
                {
                    new() { Value = app }, new() { Value = container }, new() { Value = chunk[0].Id }, new() { Value = chunk[^1].Id },
                    new() { Value = LogSearchKeys.Sorted(keys), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Integer },
                },
            });
        }

        // A short read took every line of the ranges; a full one moves them past the last line it took.
        var through = lines.Count < StepLines ? long.MaxValue : lines[^1].Id;
        batch.BatchCommands.Add(new NpgsqlBatchCommand("DELETE FROM log_search_pending WHERE id = ANY($1) AND last_id <= $2")
        {
            Parameters = { new() { Value = ranges.Select(r => r.Id).ToArray() }, new() { Value = through } },
        });
        batch.BatchCommands.Add(new NpgsqlBatchCommand("UPDATE log_search_pending SET after_id = greatest(after_id, $2) WHERE id = ANY($1) AND last_id > $2")
        {
            Parameters = { new() { Value = ranges.Select(r => r.Id).ToArray() }, new() { Value = through } },
        });
        await batch.ExecuteNonQueryAsync(ct);
        await transaction.CommitAsync(ct);
        return lines.Count;
    }

    private static async Task<List<Pending>> PickAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
    {
        await using var due = new NpgsqlCommand(DueSql, connection, transaction);
        due.Parameters.AddWithValue(ChunkLines);
        due.Parameters.AddWithValue(QuietWait);
        Guid app;
        string container;
        await using (var reader = await due.ExecuteReaderAsync(ct))
        {
            if (!await reader.ReadAsync(ct))
                return [];
            (app, container) = (reader.GetGuid(0), reader.GetString(1));
        }

        await using var lockApp = new NpgsqlCommand(LockAppSql, connection, transaction);
        lockApp.Parameters.AddWithValue(app);
        if (await lockApp.ExecuteScalarAsync(ct) is null)
            return []; // deleted meanwhile: its ranges went with it

        await using var pick = new NpgsqlCommand(PickSql, connection, transaction);
        pick.Parameters.AddWithValue(app);
        pick.Parameters.AddWithValue(container);
        var ranges = new List<Pending>();
        await using var rows = await pick.ExecuteReaderAsync(ct);
        while (await rows.ReadAsync(ct))
            ranges.Add(new Pending(rows.GetInt64(0), rows.GetGuid(1), rows.GetString(2), rows.GetInt64(3), rows.GetInt64(4)));
        return ranges;
    }

    private static async Task<List<(long Id, string Message)>> ReadLinesAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, Guid app, string container, long after, long last, CancellationToken ct)
    {
        await using var read = new NpgsqlCommand(LinesSql, connection, transaction);
        read.Parameters.AddWithValue(app);
        read.Parameters.AddWithValue(after);
        read.Parameters.AddWithValue(last);
        read.Parameters.AddWithValue(container);
        read.Parameters.AddWithValue(StepLines);
        var lines = new List<(long, string)>();
        await using var reader = await read.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            lines.Add((reader.GetInt64(0), reader.GetString(1)));
        return lines;
    }
}
