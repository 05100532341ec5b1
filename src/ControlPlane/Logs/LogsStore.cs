using System.Text;
using Dapper;
using Npgsql;
using PersonalCloud.Contracts.Api;

namespace PersonalCloud.ControlPlane.Logs;

public sealed record LogLineRow
{
    public long Id { get; init; }
    public Guid? ReleaseId { get; init; }
    public string Stream { get; init; } = "";
    public string Message { get; init; } = "";
    public DateTime Timestamp { get; init; }

    public LogLineResponse ToResponse() => new(Id, ReleaseId, Stream, Message, new DateTimeOffset(DateTime.SpecifyKind(Timestamp, DateTimeKind.Utc)));
}

/// <summary>
/// Reads an app's stored log lines. Every query is bounded by a LIMIT and walks the index on (app_id, id); a text search
/// first asks the search index which chunks of lines can hold the text (<see cref="LogSearch"/>).
/// </summary>
public sealed class LogsStore(NpgsqlDataSource db)
{
    internal const string Columns = "id, release_id, stream, message, timestamp";

    /// <summary>The newest <paramref name="limit"/> lines older than <paramref name="before"/> (if given), returned oldest first, and whether older ones exist.</summary>
    public async Task<(IReadOnlyList<LogLineRow> Lines, bool More)> PageAsync(Guid appId, LogFilter filter, long? before, int limit, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var rows = filter.Text is null
            ? await NewestAsync(connection, appId, filter, before, limit + 1, ct)
            : await LogSearch.NewestAsync(connection, appId, filter, before, limit + 1, ct);
        var more = rows.Count > limit;
        if (more)
            rows.RemoveAt(rows.Count - 1);
        rows.Reverse();
        return (rows, more);
    }

    private static async Task<List<LogLineRow>> NewestAsync(NpgsqlConnection connection, Guid appId, LogFilter filter, long? before, int take, CancellationToken ct)
    {
        var (where, parameters) = Where(appId, filter, before: before, after: null);
        parameters.Add("take", take);
        return (await connection.QueryAsync<LogLineRow>(new CommandDefinition(
            $"SELECT {Columns} FROM log_lines WHERE {where} ORDER BY {NewestFirst} LIMIT @take", parameters, cancellationToken: ct))).AsList();
    }

    /// <summary>Up to <paramref name="limit"/> lines with ids above <paramref name="after"/>, oldest first.</summary>
    public async Task<IReadOnlyList<LogLineRow>> AfterAsync(Guid appId, LogFilter filter, long after, int limit, CancellationToken ct)
    {
        var (where, parameters) = Where(appId, filter, before: null, after: after);
        parameters.Add("take", limit);
        await using var connection = await db.OpenConnectionAsync(ct);
        var rows = await connection.QueryAsync<LogLineRow>(new CommandDefinition(
            $"SELECT {Columns} FROM log_lines WHERE {where} ORDER BY {OldestFirst} LIMIT @take", parameters, cancellationToken: ct));
        return rows.AsList();
    }

    /// <summary>
    /// Lines in (<paramref name="after"/>, <paramref name="before"/>) not in <paramref name="seen"/>: ones whose
    /// transaction committed after a line with a higher id was already read (two containers of an app write concurrently).
    /// </summary>
    public async Task<IReadOnlyList<LogLineRow>> LateAsync(Guid appId, LogFilter filter, long after, long before, long[] seen, int limit, CancellationToken ct)
    {
        var (where, parameters) = Where(appId, filter, before: before, after: after);
        parameters.Add("seen", seen);
        parameters.Add("take", limit);
        await using var connection = await db.OpenConnectionAsync(ct);
        var rows = await connection.QueryAsync<LogLineRow>(new CommandDefinition(
            $"SELECT {Columns} FROM log_lines WHERE {where} AND id <> ALL(@seen) ORDER BY {OldestFirst} LIMIT @take", parameters, cancellationToken: ct));
        return rows.AsList();
    }

    /// <summary>The id of the app's newest stored line, 0 when there is none.</summary>
    public async Task<long> NewestIdAsync(Guid appId, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            $"SELECT id FROM log_lines WHERE app_id BETWEEN @appId AND @appId ORDER BY {NewestFirst} LIMIT 1", new { appId }, cancellationToken: ct)) ?? 0;
    }

    public async Task<bool> AppExistsAsync(Guid appId, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            "SELECT EXISTS (SELECT 1 FROM apps WHERE id = @appId)", new { appId }, cancellationToken: ct));
    }

    // With app_id as a range of one value, "ORDER BY app_id, id" is an order only the (app_id, id) index gives; with
    // "app_id = x" the planner may walk the primary key backwards instead, past every other app's newer lines.
    internal const string NewestFirst = "app_id, id DESC";
    private const string OldestFirst = "app_id DESC, id";

    /// <summary>
    /// Only the clauses a filter needs, so the planner sees each query's real shape (and its parameter values); the app
    /// as a one-value range, for <see cref="NewestFirst"/> and <see cref="OldestFirst"/>.
    /// </summary>
    internal static (string Where, DynamicParameters Parameters) Where(Guid appId, LogFilter filter, long? before, long? after)
    {
        var sql = new StringBuilder("app_id BETWEEN @appId AND @appId");
        var parameters = new DynamicParameters(new { appId });
        void Add(string clause, string name, object value)
        {
            sql.Append(" AND ").Append(clause);
            parameters.Add(name, value);
        }

        if (before is { } b)
            Add("id < @before", "before", b);
        if (after is { } a)
            Add("id > @after", "after", a);
        if (filter.Stream is { } stream)
            Add("stream = @stream", "stream", stream);
        if (filter.ReleaseId is { } release)
            Add("release_id = @release", "release", release);
        if (filter.ContainerId is { } container)
            Add("container_id = @container", "container", container);
        if (filter.Since is { } since)
            Add("timestamp >= @since", "since", since.UtcDateTime);
        if (filter.Until is { } until)
            Add("timestamp < @until", "until", until.UtcDateTime);
        if (filter.Text is { } text)
            Add("message ILIKE @pattern", "pattern", LikePattern.Contains(text));
        return (sql.ToString(), parameters);
    }
}
