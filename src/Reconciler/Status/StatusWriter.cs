using Dapper;
using Npgsql;
using PersonalCloud.Contracts.Apps;
using PersonalCloud.Reconciler.Containers;
using PersonalCloud.Reconciler.Desired;
using PersonalCloud.Reconciler.Planning;

namespace PersonalCloud.Reconciler.Status;

/// <summary>Writes observed state back to Postgres: phase, observed generation, serving release, release outcomes, crashes.</summary>
public sealed class StatusWriter(NpgsqlDataSource db, TimeProvider time)
{
    /// <summary>A release that cannot run (the engine refuses it, its build failed): failed at <paramref name="stage"/> with the reason, shown as the app's last error.</summary>
    public async Task FailReleaseAsync(Guid appId, Guid releaseId, string reason, string stage, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        if (!await LockAppAsync(connection, tx, appId))
            return;
        await MarkFailedAsync(connection, tx, releaseId, reason, stage, now);
        await connection.ExecuteAsync("UPDATE apps SET last_error = @reason, status_updated_at = @now WHERE id = @appId", new { reason, now, appId }, tx);
        await tx.CommitAsync(ct);
    }

    /// <summary>
    /// The container that served died (its address just left the route) and nothing else serves: the status says so at
    /// once, before the pass that counts the crash and restarts it (which may wait for a free worker) writes its own.
    /// </summary>
    public async Task ServingContainerDiedAsync(Guid appId, int? exitCode, string lastError, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE apps SET status = @status, last_error = @lastError, last_exit_code = COALESCE(@exitCode, last_exit_code), status_updated_at = @now
            WHERE id = @appId
            """,
            new { status = AppStatus.CrashLooping, lastError, exitCode, now = time.GetUtcNow(), appId }, cancellationToken: ct));
    }

    /// <summary>The release's release command exited 0: it never runs again for this release.</summary>
    public async Task ReleaseCommandSucceededAsync(Guid releaseId, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE releases SET release_command_succeeded_at = COALESCE(release_command_succeeded_at, @now) WHERE id = @releaseId",
            new { releaseId, now = time.GetUtcNow() }, cancellationToken: ct));
    }

    public async Task WriteAsync(DesiredApp desired, ReconcilePlan plan, IReadOnlyList<ProcessSpec>? processes, Contracts.Processes.Procfile? procfile,
        CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var appId = desired.Id;
        var releaseId = desired.Release?.Id;
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);

        if (!await LockAppAsync(connection, tx, appId))
            return;

        if (releaseId is not null && processes is { Count: > 0 })
        {
            var started = plan.Actions.OfType<StartContainer>().Any(s => s.Spec.ReleaseId == releaseId);
            // The port is the web process's (the health monitor probes it); a release without one records none.
            var web = processes.FirstOrDefault(p => p.Process.IsWeb)?.Spec;
            await connection.ExecuteAsync(
                """
                UPDATE releases SET image_digest = COALESCE(image_digest, @digest), port = COALESCE(port, @port),
                                    procfile = COALESCE(procfile, @procfile::jsonb),
                                    started_at = CASE WHEN @started THEN COALESCE(started_at, @now) ELSE started_at END
                WHERE id = @releaseId
                """,
                new { digest = processes[0].Spec.ImageId, port = web?.Port, procfile = procfile?.ToJson(), started, now, releaseId }, tx);
        }

        if (plan.FailRelease is { } reason && releaseId is { } failing)
            await MarkFailedAsync(connection, tx, failing, reason, plan.FailedStage ?? ReleaseStages.Starting, now);

        if (plan.ServingReleaseId is { } serving)
            await MarkServingAsync(connection, tx, appId, serving, now);

        if (plan.CancelReleasesBefore is { } newest)
        {
            await connection.ExecuteAsync(
                """
                UPDATE releases SET status = @cancelled, failure_reason = 'a newer deploy replaced it before it went live'
                WHERE app_id = @appId AND status IN (@pending, @building) AND id <> @newest
                  AND id IS DISTINCT FROM (SELECT desired_release_id FROM apps WHERE id = @appId)
                """,
                new { cancelled = ReleaseStatus.Cancelled, pending = ReleaseStatus.Pending, building = ReleaseStatus.Building, appId, newest }, tx);
        }

        if (plan.Replicas is { } replicas)
            await ReplicaStatusRows.WriteAsync(connection, tx, appId, replicas, now);

        if (plan.Crash is { } crash)
        {
            // The app's summary: the replica that crashed (or was reset) in this pass.
            await connection.ExecuteAsync(
                """
                UPDATE apps SET crash_count = @Count, last_exit_code = COALESCE(@LastExitCode, last_exit_code),
                                last_crash_at = COALESCE(@LastCrashAt, last_crash_at), restart_not_before = @RestartNotBefore
                WHERE id = @appId
                """,
                new { crash.Count, crash.LastExitCode, crash.LastCrashAt, crash.RestartNotBefore, appId }, tx);
        }

        var converged = plan.RequeueAfter is null && plan.Phase is not AppPhase.Deploying;
        await connection.ExecuteAsync(
            """
            UPDATE apps SET status = @status,
                            current_release_id = COALESCE(@serving, current_release_id),
                            last_error = @lastError,
                            observed_generation = CASE WHEN @converged THEN GREATEST(observed_generation, @generation) ELSE observed_generation END,
                            restart_count = restart_count + @restarts,
                            status_updated_at = @now
            WHERE id = @appId
            """,
            new
            {
                status = PhaseName(plan.Phase), serving = plan.ServingReleaseId, lastError = plan.LastError, converged,
                generation = desired.Generation, restarts = plan.Restarts, now, appId,
            },
            tx);
        await tx.CommitAsync(ct);
    }

    /// <summary>The first pass that finds a release serving marks it active, and the one before it superseded.</summary>
    private static async Task MarkServingAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid appId, Guid serving, DateTimeOffset now)
    {
        var activated = await connection.ExecuteAsync(
            "UPDATE releases SET status = @active, deployed_at = COALESCE(deployed_at, @now), healthy_at = COALESCE(healthy_at, @now) WHERE id = @serving AND status <> @active",
            new { active = ReleaseStatus.Active, serving, now }, tx);
        if (activated == 0)
            return;
        await connection.ExecuteAsync(
            "UPDATE releases SET status = @superseded WHERE app_id = @appId AND id <> @serving AND status = @active",
            new { superseded = ReleaseStatus.Superseded, appId, serving, active = ReleaseStatus.Active }, tx);
        await connection.ExecuteAsync("UPDATE apps SET last_deployed_at = @now WHERE id = @appId", new { now, appId }, tx);
    }

    public static string PhaseName(AppPhase phase) => phase switch
    {
        AppPhase.Created => AppStatus.Created,
        AppPhase.Deploying => AppStatus.Deploying,
        AppPhase.Running => AppStatus.Running,
        AppPhase.CrashLooping => AppStatus.CrashLooping,
        AppPhase.Failed => AppStatus.Failed,
        _ => AppStatus.Deleting,
    };

    /// <summary>The app row first, as every writer does (the API's delete cascades app -> releases): one lock order, no deadlock. False when the app is gone.</summary>
    private static async Task<bool> LockAppAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid appId) =>
        await connection.ExecuteScalarAsync<Guid?>("SELECT id FROM apps WHERE id = @appId FOR UPDATE", new { appId }, tx) is not null;

    private static Task MarkFailedAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid releaseId, string reason, string stage, DateTimeOffset now) =>
        connection.ExecuteAsync(
            "UPDATE releases SET status = @failed, failure_reason = @reason, failed_stage = @stage, failed_at = @now WHERE id = @releaseId AND status <> @failed",
            new { failed = ReleaseStatus.Failed, reason, stage, now, releaseId }, tx);
}
