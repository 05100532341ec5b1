using Dapper;
using Npgsql;
using PersonalCloud.Contracts.Api;

namespace PersonalCloud.ControlPlane.Jobs;

/// <summary>
/// Jobs that need their owner (failing, missed a start, suspended by the platform), as the reconciler flagged them:
/// shown on the app and on the apps list, so a job that stopped working is never silent.
/// </summary>
public sealed class JobAlerts(NpgsqlDataSource db)
{
    public async Task<IReadOnlyDictionary<Guid, IReadOnlyList<JobAttentionResponse>>> ReadAsync(IReadOnlyCollection<Guid> appIds, CancellationToken ct)
    {
        if (appIds.Count == 0)
            return new Dictionary<Guid, IReadOnlyList<JobAttentionResponse>>();
        await using var connection = await db.OpenConnectionAsync(ct);
        var rows = await connection.QueryAsync<AlertRow>(new CommandDefinition(
            """
            SELECT j.app_id, j.id AS job_id, j.name, s.attention, s.attention_reason, s.attention_since
            FROM cron_job_status s JOIN cron_jobs j ON j.id = s.job_id
            WHERE j.app_id = ANY(@ids) AND s.attention IS NOT NULL
              AND NOT (s.attention = 'auto-suspended' AND j.resumed_at IS NOT NULL AND j.resumed_at > s.auto_suspended_at)
            ORDER BY s.attention_since DESC
            """, new { ids = appIds.ToArray() }, cancellationToken: ct));
        return rows.GroupBy(r => r.AppId).ToDictionary(g => g.Key, g => (IReadOnlyList<JobAttentionResponse>)g.Select(r => r.ToResponse()).ToList());
    }

    private sealed record AlertRow
    {
        public Guid AppId { get; init; }
        public Guid JobId { get; init; }
        public string Name { get; init; } = "";
        public string Attention { get; init; } = "";
        public string? AttentionReason { get; init; }
        public DateTime? AttentionSince { get; init; }

        public JobAttentionResponse ToResponse() => new(JobId, Name, Attention, AttentionReason ?? Attention,
            new DateTimeOffset(DateTime.SpecifyKind(AttentionSince ?? DateTime.UnixEpoch, DateTimeKind.Utc)));
    }
}
