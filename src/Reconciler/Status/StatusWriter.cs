using Dapper;
using Npgsql;
using PersonalCloud.Contracts.Apps;
using PersonalCloud.Reconciler.Planning;

namespace PersonalCloud.Reconciler.Status;

/// <summary>Writes observed state back to Postgres: phase, observed generation, serving release, release outcomes.</summary>
public sealed class StatusWriter(NpgsqlDataSource db, TimeProvider time)
{
    public async Task WriteAsync(Guid appId, long generation, Guid? desiredReleaseId, ReconcilePlan plan, string? imageDigest, int? port, CancellationToken ct)
    {
        if (plan.Phase == AppPhase.Deleted)
            return;

        var now = time.GetUtcNow();
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);

        if (desiredReleaseId is { } releaseId && (imageDigest is not null || port is not null))
        {
            await connection.ExecuteAsync(
                "UPDATE releases SET image_digest = COALESCE(@imageDigest, image_digest), port = COALESCE(@port, port) WHERE id = @releaseId",
                new { imageDigest, port, releaseId }, tx);
        }

        if (plan.FailRelease is { } reason && desiredReleaseId is { } failedId)
        {
            await connection.ExecuteAsync(
                "UPDATE releases SET status = @failed, failure_reason = @reason WHERE id = @failedId AND status <> @failed",
                new { failed = ReleaseStatus.Failed, reason, failedId }, tx);
        }

        if (plan.ServingReleaseId is { } serving)
        {
            // The first pass that finds a release serving marks it active and the ones before it superseded.
            var activated = await connection.ExecuteAsync(
                "UPDATE releases SET status = @active, deployed_at = @now WHERE id = @serving AND status <> @active",
                new { active = ReleaseStatus.Active, serving, now }, tx);
            if (activated > 0)
            {
                await connection.ExecuteAsync(
                    "UPDATE releases SET status = @superseded WHERE app_id = @appId AND id <> @serving AND status = @active",
                    new { superseded = ReleaseStatus.Superseded, appId, serving, active = ReleaseStatus.Active }, tx);
                await connection.ExecuteAsync(
                    "UPDATE apps SET last_deployed_at = @now WHERE id = @appId", new { now, appId }, tx);
            }
        }

        var converged = plan.RequeueAfter is null && !plan.ContainerExited;
        await connection.ExecuteAsync(
            """
            UPDATE apps SET status = @status,
                            current_release_id = @serving,
                            last_error = @lastError,
                            observed_generation = CASE WHEN @converged THEN GREATEST(observed_generation, @generation) ELSE observed_generation END,
                            restart_count = restart_count + CASE WHEN @exited THEN 1 ELSE 0 END,
                            status_updated_at = @now
            WHERE id = @appId
            """,
            new
            {
                status = PhaseName(plan.Phase),
                serving = plan.ServingReleaseId,
                lastError = plan.LastError,
                converged,
                generation,
                exited = plan.ContainerExited,
                now,
                appId,
            },
            tx);
        await tx.CommitAsync(ct);
    }

    public static string PhaseName(AppPhase phase) => phase switch
    {
        AppPhase.Created => AppStatus.Created,
        AppPhase.Deploying => AppStatus.Deploying,
        AppPhase.Running => AppStatus.Running,
        AppPhase.Failed => AppStatus.Failed,
        _ => AppStatus.Deleting,
    };
}
