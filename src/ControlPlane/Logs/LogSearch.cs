using Dapper;
using Npgsql;
using PersonalCloud.Contracts.Logs;

namespace PersonalCloud.ControlPlane.Logs;

/// <summary>
/// A text search over an app's lines. The lines that can hold the text are in the chunks whose keys include every key
/// of the text (<see cref="LogSearchKeys"/>, table log_search_chunks) or not yet chunked (log_search_pending). Those
/// ranges are filtered with ILIKE newest first, a few at a time, until the page is full and no range left can hold a
/// newer match. A common word fills the page from the first ranges; a rare one reads only the ranges that hold its keys.
/// </summary>
internal static class LogSearch
{
    private const int FirstBatch = 4;
    private const int MaxBatch = 64;

    internal sealed record Candidate(string ContainerId, long FirstId, long LastId);

    /// <summary>The newest <paramref name="take"/> matching lines below <paramref name="before"/>, newest first.</summary>
    public static async Task<List<LogLineRow>> NewestAsync(NpgsqlConnection connection, Guid appId, LogFilter filter, long? before, int take, CancellationToken ct)
    {
        var candidates = await CandidatesAsync(connection, appId, LogSearchKeys.Of(filter.Text!), before, ct);
        var found = new List<LogLineRow>();
        var batch = FirstBatch;
        for (var next = 0; next < candidates.Count; next += batch, batch = Math.Min(batch * 2, MaxBatch))
        {
            // Every line of the ranges still to read has an id at most their newest last id.
            if (found.Count >= take && found[take - 1].Id > candidates[next].LastId)
                break;
            found.AddRange(await FilterAsync(connection, appId, filter, before, candidates.Skip(next).Take(batch).ToList(), take, ct));
            found.Sort((a, b) => b.Id.CompareTo(a.Id));
            if (found.Count > take)
                found.RemoveRange(take, found.Count - take);
        }

        return found;
    }

    /// <summary>Ranges that may hold the text, newest first: the pending ones and the chunks holding every key.</summary>
    private static async Task<List<Candidate>> CandidatesAsync(NpgsqlConnection connection, Guid appId, int[] keys, long? before, CancellationToken ct)
    {
        var chunks = keys.Length > 0 ? "AND keys @> @keys" : "";
        var sql = $"""
            SELECT container_id AS ContainerId, after_id + 1 AS FirstId, last_id AS LastId FROM log_search_pending
            WHERE app_id = @appId AND after_id + 1 < @before
            UNION ALL
            SELECT container_id, first_id, last_id FROM log_search_chunks
            WHERE app_id = @appId AND first_id < @before {chunks}
            ORDER BY LastId DESC
            """;
        await using var transaction = await connection.BeginTransactionAsync(ct);
        // Only the GIN index answers "holds these keys" without reading every chunk's keys (see migration 0006).
        await connection.ExecuteAsync(new CommandDefinition("SET LOCAL enable_seqscan = off", transaction: transaction, cancellationToken: ct));
        var rows = await connection.QueryAsync<Candidate>(new CommandDefinition(
            sql, new { appId, keys, before = before ?? long.MaxValue }, transaction, cancellationToken: ct));
        return rows.AsList();
    }

    private static async Task<IEnumerable<LogLineRow>> FilterAsync(NpgsqlConnection connection, Guid appId, LogFilter filter, long? before,
        List<Candidate> ranges, int take, CancellationToken ct)
    {
        var (where, parameters) = LogsStore.Where(appId, filter, before, after: null);
        parameters.Add("containers", ranges.Select(r => r.ContainerId).ToArray());
        parameters.Add("firsts", ranges.Select(r => r.FirstId).ToArray());
        parameters.Add("lasts", ranges.Select(r => r.LastId).ToArray());
        parameters.Add("take", take);
        return await connection.QueryAsync<LogLineRow>(new CommandDefinition(
            $"""
            SELECT l.* FROM unnest(@containers::text[], @firsts::bigint[], @lasts::bigint[]) AS r(container_id, first_id, last_id)
            CROSS JOIN LATERAL (
                SELECT {LogsStore.Columns} FROM log_lines
                WHERE {where} AND id >= r.first_id AND id <= r.last_id AND log_lines.container_id = r.container_id
                ORDER BY {LogsStore.NewestFirst} LIMIT @take
            ) l
            ORDER BY l.id DESC LIMIT @take
            """, parameters, cancellationToken: ct));
    }
}
