using System.Text;
using Dapper;
using Npgsql;
using PersonalCloud.Contracts.Api;

namespace PersonalCloud.ControlPlane.Audit;

/// <param name="Count">Calls this row stands for: 1, or more for counted anonymous calls (from <paramref name="At"/> to <paramref name="LastAt"/>).</param>
public sealed record AuditEntry(
    DateTimeOffset At, string Actor, string Method, string Route, string Path, Guid? AppId, int StatusCode, string? Summary, string? RemoteIp, int DurationMs,
    Guid? ReleaseId = null, int Count = 1, DateTimeOffset? LastAt = null);

public sealed record AuditFilter(Guid? AppId = null, DateTimeOffset? Since = null, DateTimeOffset? Until = null, string? Method = null, int? StatusCode = null);

public sealed class AuditStore(NpgsqlDataSource db)
{
    private const int SweepBatch = 10_000;

    public Task InsertAsync(AuditEntry entry, CancellationToken ct) => InsertManyAsync([entry], ct);

    /// <summary>In one statement; text is made storable first (<see cref="AuditText"/>), so no request loses its row to its bytes.</summary>
    public async Task InsertManyAsync(IReadOnlyList<AuditEntry> entries, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO audit_log (at, actor, method, route, path, app_id, status_code, summary, remote_ip, duration_ms, release_id, count, last_at)
            SELECT * FROM unnest(@At, @Actor, @Method, @Route, @Path, @AppId, @StatusCode, @Summary, @RemoteIp, @DurationMs, @ReleaseId, @Count, @LastAt)
            """,
            new
            {
                At = entries.Select(e => e.At.UtcDateTime).ToArray(),
                Actor = entries.Select(e => AuditText.Storable(e.Actor)).ToArray(),
                Method = entries.Select(e => AuditText.Storable(e.Method)).ToArray(),
                Route = entries.Select(e => AuditText.Storable(e.Route)).ToArray(),
                Path = entries.Select(e => AuditText.Storable(e.Path)).ToArray(),
                AppId = entries.Select(e => e.AppId).ToArray(),
                StatusCode = entries.Select(e => e.StatusCode).ToArray(),
                Summary = entries.Select(e => AuditText.Storable(e.Summary)).ToArray(),
                RemoteIp = entries.Select(e => AuditText.Storable(e.RemoteIp)).ToArray(),
                DurationMs = entries.Select(e => e.DurationMs).ToArray(),
                ReleaseId = entries.Select(e => e.ReleaseId).ToArray(),
                Count = entries.Select(e => e.Count).ToArray(),
                LastAt = entries.Select(e => e.LastAt?.UtcDateTime).ToArray(),
            },
            cancellationToken: ct));
    }

    /// <summary>Deletes rows recorded before <paramref name="cutoff"/>, in batches so no single statement holds the table long.</summary>
    public async Task<long> DeleteOlderThanAsync(DateTimeOffset cutoff, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        long total = 0;
        int deleted;
        do
        {
            deleted = await connection.ExecuteAsync(new CommandDefinition(
                "DELETE FROM audit_log WHERE id IN (SELECT id FROM audit_log WHERE at < @cutoff ORDER BY at LIMIT @batch)",
                new { cutoff = cutoff.UtcDateTime, batch = SweepBatch }, cancellationToken: ct));
            total += deleted;
        }
        while (deleted == SweepBatch);
        return total;
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
                   l.release_id, (SELECT r.status FROM releases r WHERE r.id = l.release_id) AS release_status, l.count, l.last_at
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

        public int Count { get; init; }

        public DateTime? LastAt { get; init; }

        public AuditEntryResponse ToResponse() => new(
            Id, Utc(At), Actor, Method, Route, Path, AppId, StatusCode, Summary, RemoteIp, DurationMs, ReleaseId, ReleaseStatus,
            Count, LastAt is { } last ? Utc(last) : null);

        private static DateTimeOffset Utc(DateTime t) => new(DateTime.SpecifyKind(t, DateTimeKind.Utc));
    }
}
