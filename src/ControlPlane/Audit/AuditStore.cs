using System.Text;
using Dapper;
using Npgsql;
using PersonalCloud.Contracts.Api;

namespace PersonalCloud.ControlPlane.Audit;

public sealed record AuditEntry(
    DateTimeOffset At, string Actor, string Method, string Route, string Path, Guid? AppId, int StatusCode, string? Summary, string? RemoteIp, int DurationMs,
    Guid? ReleaseId = null);

public sealed record AuditFilter(Guid? AppId = null, DateTimeOffset? Since = null, DateTimeOffset? Until = null, string? Method = null, int? StatusCode = null);

public sealed class AuditStore(NpgsqlDataSource db)
{
    public async Task InsertAsync(AuditEntry entry, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO audit_log (at, actor, method, route, path, app_id, status_code, summary, remote_ip, duration_ms, release_id)
            VALUES (@At, @Actor, @Method, @Route, @Path, @AppId, @StatusCode, @Summary, @RemoteIp, @DurationMs, @ReleaseId)
            """,
            entry with { At = entry.At.ToUniversalTime() }, cancellationToken: ct));
    }

    /// <summary>The app's name, for the summary of its deletion (read before the row goes away).</summary>
    public async Task<string?> AppNameAsync(Guid appId, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.ExecuteScalarAsync<string?>(new CommandDefinition("SELECT name FROM apps WHERE id = @appId", new { appId }, cancellationToken: ct));
    }

    /// <summary>Newest first: the newest <paramref name="limit"/> entries older than <paramref name="before"/>, and whether older ones exist.</summary>
    public async Task<(IReadOnlyList<AuditEntryResponse> Entries, bool More)> PageAsync(AuditFilter filter, long? before, int limit, CancellationToken ct)
    {
        var sql = new StringBuilder("TRUE");
        var parameters = new DynamicParameters(new { take = limit + 1 });
        void Add(string clause, string name, object value)
        {
            sql.Append(" AND ").Append(clause);
            parameters.Add(name, value);
        }

        if (before is { } b)
            Add("id < @before", "before", b);
        if (filter.AppId is { } app)
            Add("app_id = @app", "app", app);
        if (filter.Since is { } since)
            Add("at >= @since", "since", since.UtcDateTime);
        if (filter.Until is { } until)
            Add("at < @until", "until", until.UtcDateTime);
        if (filter.Method is { } method)
            Add("method = @method", "method", method);
        if (filter.StatusCode is { } status)
            Add("status_code = @status", "status", status);

        await using var connection = await db.OpenConnectionAsync(ct);
        var rows = (await connection.QueryAsync<AuditRow>(new CommandDefinition(
            $"""
            SELECT l.id, l.at, l.actor, l.method, l.route, l.path, l.app_id, l.status_code, l.summary, l.remote_ip, l.duration_ms,
                   l.release_id, (SELECT r.status FROM releases r WHERE r.id = l.release_id) AS release_status
            FROM (SELECT * FROM audit_log WHERE {sql} ORDER BY id DESC LIMIT @take) l ORDER BY l.id DESC
            """,
            parameters, cancellationToken: ct))).AsList();
        var more = rows.Count > limit;
        return (rows.Take(limit).Select(r => r.ToResponse()).ToList(), more);
    }

    private sealed record AuditRow
    {
        public long Id { get; init; }
        public DateTime At { get; init; }
        public string Actor { get; init; } = "";
        public string Method { get; init; } = "";
        public string Route { get; init; } = "";
        public string Path { get; init; } = "";
        public Guid? AppId { get; init; }
        public int StatusCode { get; init; }
        public string? Summary { get; init; }
        public string? RemoteIp { get; init; }
        public int DurationMs { get; init; }
        public Guid? ReleaseId { get; init; }
        public string? ReleaseStatus { get; init; }

        public AuditEntryResponse ToResponse() => new(
            Id, new DateTimeOffset(DateTime.SpecifyKind(At, DateTimeKind.Utc)), Actor, Method, Route, Path, AppId, StatusCode, Summary, RemoteIp, DurationMs,
            ReleaseId, ReleaseStatus);
    }
}
