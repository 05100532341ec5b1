using Dapper;
using Npgsql;
using PersonalCloud.Contracts.Apps;

namespace PersonalCloud.Reconciler.Status;

/// <summary>
/// Records the stages a release reaches (release_stages), each once, with the time it began. Nothing is recorded for
/// a release that failed, was cancelled or is already live: a restart or a hostname change of a live release is not a
/// deploy. A trigger notifies the API's live progress streams.
/// </summary>
public sealed class ReleaseStageWriter(NpgsqlDataSource db, TimeProvider time)
{
    private const int MaxRemembered = 10_000;
    private readonly HashSet<Guid> _settled = [];
    private readonly Lock _lock = new();

    public async Task ReachedAsync(Guid releaseId, string? stage, CancellationToken ct)
    {
        if (stage is null || IsSettled(releaseId))
            return;
        await using var connection = await db.OpenConnectionAsync(ct);
        var settled = await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            """
            WITH target AS (
                SELECT r.id, r.status IN (@failed, @cancelled) OR EXISTS (SELECT 1 FROM release_stages s WHERE s.release_id = r.id AND s.stage = @live) AS settled
                FROM releases r WHERE r.id = @releaseId
            ), inserted AS (
                INSERT INTO release_stages (release_id, stage, at)
                SELECT id, @stage, @now FROM target WHERE NOT settled
                ON CONFLICT DO NOTHING
            )
            SELECT COALESCE((SELECT settled FROM target), true)
            """,
            new { releaseId, stage, now = time.GetUtcNow(), failed = ReleaseStatus.Failed, cancelled = ReleaseStatus.Cancelled, live = ReleaseStages.Live },
            cancellationToken: ct));
        if (settled || stage == ReleaseStages.Live)
            Settle(releaseId);
    }

    private bool IsSettled(Guid releaseId)
    {
        lock (_lock)
            return _settled.Contains(releaseId);
    }

    private void Settle(Guid releaseId)
    {
        lock (_lock)
        {
            // Bounded: forgetting only costs one more query for a release that comes up again.
            if (_settled.Count >= MaxRemembered)
                _settled.Clear();
            _settled.Add(releaseId);
        }
    }
}
