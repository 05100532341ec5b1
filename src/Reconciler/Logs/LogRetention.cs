using Npgsql;
using NpgsqlTypes;

namespace PersonalCloud.Reconciler.Logs;

/// <summary>What one retention pass removed.</summary>
public sealed record RetentionResult(long ByCount, long ByAge, long Cursors, long SearchChunks);

/// <summary>
/// Keeps every app to its newest N lines and its last H hours (per app, or the platform defaults). Each pass finds every
/// app's bound once, then deletes in chunks of <see cref="ChunkRows"/> per app, each chunk starting below the previous
/// one: every statement walks an index a short way, never over rows it already deleted, and holds no long locks.
/// </summary>
public sealed class LogRetention(NpgsqlDataSource db)
{
    public const int ChunkRows = 20_000;

    /// <summary>A bound on one pass; what is left goes in the next one.</summary>
    public const int MaxRounds = 100;

    // min/max id per app are two index probes: an app whose id span is within its limit cannot be over it, so the
    // OFFSET walk (up to N index entries) only runs for apps that may be.
    private const string CountBoundsSql =
        """
        WITH policy AS MATERIALIZED (
            SELECT a.id AS app_id, coalesce(a.log_retention_lines, $1) AS keep,
                   (SELECT max(x.id) FROM log_lines x WHERE x.app_id = a.id) - (SELECT min(x.id) FROM log_lines x WHERE x.app_id = a.id) + 1 AS span
            FROM apps a
        ), bounds AS MATERIALIZED (
            SELECT p.app_id, (SELECT x.id FROM log_lines x WHERE x.app_id = p.app_id ORDER BY x.id DESC OFFSET p.keep LIMIT 1) AS last_old_id
            FROM policy p
            WHERE p.span > p.keep
        )
        SELECT app_id, last_old_id FROM bounds WHERE last_old_id IS NOT NULL
        """;

    private const string DeleteByCountSql =
        """
        WITH deleted AS (
            DELETE FROM log_lines l
            USING (
                SELECT d.id FROM unnest($1::uuid[], $2::bigint[]) AS b(app_id, last_old_id)
                CROSS JOIN LATERAL (
                    SELECT x.id FROM log_lines x WHERE x.app_id = b.app_id AND x.id <= b.last_old_id ORDER BY x.id DESC LIMIT $3
                ) d
            ) doomed
            WHERE l.id = doomed.id
            RETURNING l.app_id, l.id
        )
        SELECT app_id, count(*), min(id) - 1 FROM deleted GROUP BY app_id
        """;

    private const string AgeBoundsSql =
        "SELECT id, $2::timestamptz - make_interval(hours => coalesce(log_retention_hours, $1)) FROM apps";

    // Rows at exactly the bound's timestamp may be visited twice; the bound still moves down by a whole chunk.
    private const string DeleteByAgeSql =
        """
        WITH deleted AS (
            DELETE FROM log_lines l
            USING (
                SELECT d.id FROM unnest($1::uuid[], $2::timestamptz[]) AS b(app_id, before)
                CROSS JOIN LATERAL (
                    SELECT x.id FROM log_lines x WHERE x.app_id = b.app_id AND x.timestamp < b.before ORDER BY x.timestamp DESC LIMIT $3
                ) d
            ) doomed
            WHERE l.id = doomed.id
            RETURNING l.app_id, l.timestamp
        )
        SELECT app_id, count(*), min(timestamp) + interval '1 microsecond' FROM deleted GROUP BY app_id
        """;

    private const string CursorsSql = "DELETE FROM log_cursors WHERE updated_at < $1 AND NOT (container_id = ANY($2))";

    // A chunk whose newest line is older than the app's oldest kept line indexes nothing any more.
    private const string SearchChunksSql =
        """
        DELETE FROM log_search_chunks c
        USING (SELECT a.id AS app_id, (SELECT min(x.id) FROM log_lines x WHERE x.app_id = a.id) AS oldest FROM apps a) o
        WHERE c.app_id = o.app_id AND (o.oldest IS NULL OR c.last_id < o.oldest)
        """;

    private static readonly TimeSpan CursorKeep = TimeSpan.FromDays(1);

    /// <summary>
    /// One pass over all apps. <paramref name="existingContainerIds"/> must be a successful listing of the engine: cursors
    /// of containers not in it and not written for a day are removed.
    /// </summary>
    public async Task<RetentionResult> EnforceAsync(
        int defaultLines, int defaultHours, DateTimeOffset now, IReadOnlyCollection<string> existingContainerIds, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var byCount = await DeleteInChunksAsync<long>(connection, await BoundsAsync<long>(connection, CountBoundsSql, [defaultLines], ct),
            DeleteByCountSql, NpgsqlDbType.Bigint, ct);
        var byAge = await DeleteInChunksAsync<DateTime>(connection, await BoundsAsync<DateTime>(connection, AgeBoundsSql, [defaultHours, now.UtcDateTime], ct),
            DeleteByAgeSql, NpgsqlDbType.TimestampTz, ct);
        await using var cursors = new NpgsqlCommand(CursorsSql, connection);
        cursors.Parameters.AddWithValue((now - CursorKeep).UtcDateTime);
        cursors.Parameters.AddWithValue(existingContainerIds.ToArray());
        var removedCursors = await cursors.ExecuteNonQueryAsync(ct);
        await using var chunks = new NpgsqlCommand(SearchChunksSql, connection);
        return new RetentionResult(byCount, byAge, removedCursors, await chunks.ExecuteNonQueryAsync(ct));
    }

    private static async Task<Dictionary<Guid, T>> BoundsAsync<T>(NpgsqlConnection connection, string sql, object[] parameters, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var value in parameters)
            command.Parameters.AddWithValue(value);
        var bounds = new Dictionary<Guid, T>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            bounds[reader.GetGuid(0)] = reader.GetFieldValue<T>(1);
        return bounds;
    }

    /// <summary>Deletes a chunk per app below its bound, moves each bound below what went, until no app fills a chunk.</summary>
    private static async Task<long> DeleteInChunksAsync<T>(
        NpgsqlConnection connection, Dictionary<Guid, T> bounds, string sql, NpgsqlDbType boundType, CancellationToken ct)
    {
        long total = 0;
        for (var round = 0; round < MaxRounds && bounds.Count > 0; round++)
        {
            await using var command = new NpgsqlCommand(sql, connection);
            command.Parameters.Add(new NpgsqlParameter { Value = bounds.Keys.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid });
            command.Parameters.Add(new NpgsqlParameter { Value = bounds.Values.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | boundType });
            command.Parameters.AddWithValue(ChunkRows);
            var next = new Dictionary<Guid, T>();
            await using (var reader = await command.ExecuteReaderAsync(ct))
            {
                while (await reader.ReadAsync(ct))
                {
                    var deleted = reader.GetInt64(1);
                    total += deleted;
                    // A full chunk: there may be more below.
                    if (deleted >= ChunkRows)
                        next[reader.GetGuid(0)] = reader.GetFieldValue<T>(2);
                }
            }

            bounds = next;
        }

        return total;
    }
}
