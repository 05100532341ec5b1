using Npgsql;
using PersonalCloud.Contracts.Notifications;

namespace PersonalCloud.Integration.Tests.Support;

public sealed record SeedLine(string Message, string Stream = "stdout", Guid? ReleaseId = null, DateTimeOffset? Timestamp = null);

/// <summary>Writes log lines straight into log_lines (and their range for the search indexer), as the collector would, for apps that run no container.</summary>
public static class LogSeeder
{
    /// <summary>Inserts the lines in order in one transaction; with <paramref name="notify"/>, NOTIFYs the stream listeners on commit, as the collector does.</summary>
    public static async Task<IReadOnlyList<long>> InsertAsync(string databaseUrl, Guid appId, IReadOnlyList<SeedLine> lines, bool notify)
    {
        await using var connection = new NpgsqlConnection(databaseUrl);
        await connection.OpenAsync();
        await using var tx = await connection.BeginTransactionAsync();
        var now = DateTimeOffset.UtcNow;
        await using var insert = new NpgsqlCommand(
            """
            INSERT INTO log_lines (app_id, release_id, container_id, stream, message, timestamp)
            SELECT $1, x.release_id, 'seeded', x.stream, x.message, x.at
            FROM unnest($2::uuid[], $3::text[], $4::text[], $5::timestamptz[]) WITH ORDINALITY AS x(release_id, stream, message, at, n)
            ORDER BY x.n
            RETURNING id
            """, connection, tx);
        insert.Parameters.AddWithValue(appId);
        insert.Parameters.AddWithValue(lines.Select(l => l.ReleaseId).ToArray());
        insert.Parameters.AddWithValue(lines.Select(l => l.Stream).ToArray());
        insert.Parameters.AddWithValue(lines.Select(l => l.Message).ToArray());
        insert.Parameters.AddWithValue(lines.Select(l => (l.Timestamp ?? now).UtcDateTime).ToArray());
        var ids = new List<long>();
        await using (var reader = await insert.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
                ids.Add(reader.GetInt64(0));
        }

        await RecordForSearchAsync(connection, tx, appId, ids.Count == 0 ? 0 : ids.Min() - 1, ids.Count == 0 ? 0 : ids.Max());

        if (notify)
        {
            await using var command = new NpgsqlCommand("SELECT pg_notify($1, $2)", connection, tx);
            command.Parameters.AddWithValue(NotificationChannels.LogsAppended);
            command.Parameters.AddWithValue(appId.ToString());
            await command.ExecuteNonQueryAsync();
        }

        await tx.CommitAsync();
        ids.Sort();
        return ids;
    }

    /// <summary>As the collector does with each batch: the new lines' id range, for the search indexer (searched directly until it ran).</summary>
    public static async Task RecordForSearchAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, Guid appId, long afterId, long lastId)
    {
        await using var pending = new NpgsqlCommand(
            "INSERT INTO log_search_pending (app_id, container_id, after_id, last_id) VALUES ($1, 'seeded', $2, $3)", connection, tx);
        pending.Parameters.AddWithValue(appId);
        pending.Parameters.AddWithValue(afterId);
        pending.Parameters.AddWithValue(lastId);
        await pending.ExecuteNonQueryAsync();
    }

    public static IReadOnlyList<SeedLine> Numbered(string prefix, int count) =>
        Enumerable.Range(0, count).Select(i => new SeedLine($"{prefix} {i:00000}")).ToList();
}
