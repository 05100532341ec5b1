using Dapper;
using Npgsql;
using PersonalCloud.Contracts.Api;
using PersonalCloud.Contracts.Apps;
using PersonalCloud.ControlPlane.Releases;

namespace PersonalCloud.ControlPlane.Apps;

/// <summary>
/// The releases an app's status names: the one serving, the newest that failed after it (with its last lines of output),
/// and the one on its way (queued or rolling out, until it is live).
/// </summary>
public sealed record AppReleaseSummary(ReleaseRow? Current, FailedReleaseResponse? LastFailed, ReleaseRow? Deploying)
{
    public static readonly AppReleaseSummary None = new(null, null, null);
}

/// <summary>Reads <see cref="AppReleaseSummary"/> for many apps in a few queries (the apps list polls it).</summary>
public sealed class AppReleaseSummaries(NpgsqlDataSource db)
{
    public const int LastLines = 10;
    public const int MaxLineChars = 500;

    public async Task<IReadOnlyDictionary<Guid, AppReleaseSummary>> ReadAsync(IReadOnlyCollection<AppRow> apps, CancellationToken ct)
    {
        if (apps.Count == 0)
            return new Dictionary<Guid, AppReleaseSummary>();
        var appIds = apps.Select(a => a.Id).ToArray();
        await using var connection = await db.OpenConnectionAsync(ct);
        // The newest failed release made after the serving one; the desired one while not yet live (pending, building,
        // or serving with old containers still draining).
        var ids = (await connection.QueryAsync<(Guid Id, string Kind)>(new CommandDefinition(
            """
            (SELECT DISTINCT ON (r.app_id) r.id, 'failed' FROM releases r
             JOIN apps a ON a.id = r.app_id
             LEFT JOIN releases c ON c.id = a.current_release_id
             WHERE r.app_id = ANY(@appIds) AND r.status = @failed AND (c.id IS NULL OR r.created_at > c.created_at)
             ORDER BY r.app_id, r.created_at DESC)
            UNION ALL
            (SELECT r.id, 'deploying' FROM apps a JOIN releases r ON r.id = a.desired_release_id
             WHERE a.id = ANY(@appIds) AND (r.status IN (@pending, @building)
                   OR (r.status = @active AND NOT EXISTS (SELECT 1 FROM release_stages s WHERE s.release_id = r.id AND s.stage = @live))))
            """,
            new { appIds, failed = ReleaseStatus.Failed, pending = ReleaseStatus.Pending, building = ReleaseStatus.Building, active = ReleaseStatus.Active, live = ReleaseStages.Live },
            cancellationToken: ct))).AsList();
        var current = apps.Where(a => a.CurrentReleaseId is not null).Select(a => a.CurrentReleaseId!.Value);
        var wanted = ids.Select(i => i.Id).Concat(current).Distinct().ToArray();
        var releases = wanted.Length == 0 ? new Dictionary<Guid, ReleaseRow>() : (await connection.QueryAsync<ReleaseRow>(new CommandDefinition(
            ReleasesStore.SelectRelease + " WHERE id = ANY(@wanted)", new { wanted }, cancellationToken: ct))).ToDictionary(r => r.Id);
        var failedIds = ids.Where(i => i.Kind == "failed").Select(i => i.Id).ToArray();
        var lines = failedIds.Length == 0 ? new Dictionary<Guid, IReadOnlyList<string>>() : await LastLinesAsync(connection, failedIds, ct);

        return apps.ToDictionary(a => a.Id, a =>
        {
            var failed = ids.Where(i => i.Kind == "failed").Select(i => releases.GetValueOrDefault(i.Id)).FirstOrDefault(r => r?.AppId == a.Id);
            var deploying = ids.Where(i => i.Kind == "deploying").Select(i => releases.GetValueOrDefault(i.Id)).FirstOrDefault(r => r?.AppId == a.Id);
            return new AppReleaseSummary(
                a.CurrentReleaseId is { } c ? releases.GetValueOrDefault(c) : null,
                failed is null ? null : new FailedReleaseResponse(failed.ToResponse(), lines.GetValueOrDefault(failed.Id) ?? []),
                deploying);
        });
    }

    /// <summary>What each release printed last: its containers' newest lines, else the end of its build log. Oldest first.</summary>
    private static async Task<Dictionary<Guid, IReadOnlyList<string>>> LastLinesAsync(NpgsqlConnection connection, Guid[] releaseIds, CancellationToken ct)
    {
        var logged = await connection.QueryAsync<(Guid ReleaseId, string Message)>(new CommandDefinition(
            """
            SELECT r.id, l.message FROM unnest(@releaseIds) AS r(id)
            CROSS JOIN LATERAL (
                SELECT message, timestamp, id FROM log_lines
                WHERE container_id IN (SELECT container_id FROM app_containers WHERE release_id = r.id)
                ORDER BY timestamp DESC, id DESC LIMIT @take
            ) l
            ORDER BY r.id, l.timestamp, l.id
            """,
            new { releaseIds, take = LastLines }, cancellationToken: ct));
        var result = logged.GroupBy(l => l.ReleaseId).ToDictionary(g => g.Key, g => (IReadOnlyList<string>)g.Select(l => Clip(l.Message)).ToList());

        var unlogged = releaseIds.Where(id => !result.ContainsKey(id)).ToArray();
        if (unlogged.Length > 0)
        {
            var builds = await connection.QueryAsync<(Guid ReleaseId, string Tail)>(new CommandDefinition(
                "SELECT release_id, right(log, 8192) FROM release_build_logs WHERE release_id = ANY(@unlogged)", new { unlogged }, cancellationToken: ct));
            foreach (var (releaseId, tail) in builds)
                result[releaseId] = Tail(tail);
        }

        return result;
    }

    /// <summary>The last <see cref="LastLines"/> lines with text in them. Pure.</summary>
    public static IReadOnlyList<string> Tail(string text) =>
        text.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Trim().Length > 0).TakeLast(LastLines).Select(Clip).ToList();

    private static string Clip(string line) => line.Length <= MaxLineChars ? line : line[..MaxLineChars] + "…";
}
