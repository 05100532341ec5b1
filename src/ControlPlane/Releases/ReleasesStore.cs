using Dapper;
using Npgsql;
using PersonalCloud.Contracts.Apps;

namespace PersonalCloud.ControlPlane.Releases;

public enum RollbackOutcome
{
    Created,
    AppNotFound,
    NoEarlierRelease,
    ReleaseNotFound,
    ReleaseNeverRan,
}

/// <summary>Creates releases (immutable snapshots of what an app runs) and lists their history.</summary>
public sealed class ReleasesStore(NpgsqlDataSource db, TimeProvider time)
{
    internal const string SelectRelease =
        """
        SELECT id, app_id, image, image_digest, port, status, failure_reason, created_at, deployed_at, rolled_back_at,
               source_kind, git_url, git_url_sealed, git_ref, git_commit, reason, source_release_id, env_snapshot::text AS env_snapshot,
               started_at, healthy_at, failed_at, failed_stage, processes::text AS processes, procfile::text AS procfile,
               release_command, release_command_timeout_seconds,
               ARRAY(SELECT s.stage FROM release_stages s WHERE s.release_id = releases.id ORDER BY s.at, s.stage) AS stage_names,
               ARRAY(SELECT s.at FROM release_stages s WHERE s.release_id = releases.id ORDER BY s.at, s.stage) AS stage_ats
        FROM releases
        """;

    /// <summary>Records a new release from an image or source and makes it the app's desired one. Null when the app is unknown.</summary>
    public async Task<(ReleaseRow Release, long Generation)?> CreateAsync(Guid appId, ReleaseSource source, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var created = await ReleaseSnapshots.InsertAsync(connection, tx, appId, source, ReleaseReasons.Deploy, time.GetUtcNow());
        if (created is null)
            return null;
        await tx.CommitAsync(ct);
        return created;
    }

    /// <summary>
    /// A new release with an earlier one's image digest and env snapshot (default: the newest release that went live
    /// before the current one). The app's env vars are restored to that snapshot too, so the next change starts from it.
    /// </summary>
    public async Task<(RollbackOutcome Outcome, ReleaseRow? Release, long Generation)> RollbackAsync(Guid appId, Guid? targetId, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var current = await connection.QuerySingleOrDefaultAsync<Guid?>(
            "SELECT current_release_id FROM apps WHERE id = @appId FOR UPDATE", new { appId }, tx);
        var exists = await connection.ExecuteScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM apps WHERE id = @appId)", new { appId }, tx);
        if (!exists)
            return (RollbackOutcome.AppNotFound, null, 0);

        var target = targetId is { } explicitId
            ? await connection.QuerySingleOrDefaultAsync<ReleaseRow>(SelectRelease + " WHERE id = @explicitId AND app_id = @appId", new { explicitId, appId }, tx)
            : await connection.QuerySingleOrDefaultAsync<ReleaseRow>(
                SelectRelease + " WHERE app_id = @appId AND deployed_at IS NOT NULL AND image_digest IS NOT NULL AND id IS DISTINCT FROM @current ORDER BY deployed_at DESC LIMIT 1",
                new { appId, current }, tx);
        if (target is null)
            return (targetId is null ? RollbackOutcome.NoEarlierRelease : RollbackOutcome.ReleaseNotFound, null, 0);
        if (target.ImageDigest is null || target.DeployedAt is null)
            return (RollbackOutcome.ReleaseNeverRan, null, 0);

        var now = time.GetUtcNow();
        await connection.ExecuteAsync("UPDATE releases SET rolled_back_at = @now WHERE id = @current", new { now, current }, tx);
        await connection.ExecuteAsync("DELETE FROM environment_variables WHERE app_id = @appId", new { appId }, tx);
        await connection.ExecuteAsync(
            """
            INSERT INTO environment_variables (id, app_id, key, encrypted_value, created_at, updated_at)
            SELECT gen_random_uuid(), @appId, kv.key, kv.value, @now, @now FROM jsonb_each_text(@snapshot::jsonb) kv
            """,
            new { appId, now, snapshot = target.EnvSnapshot }, tx);

        // Its processes are restored like its env (the live replica counts stay), so the next change starts from them.
        await Processes.ProcessSnapshots.RestoreAsync(connection, tx, appId, target.Processes, now);

        // The digest, not the tag: a rollback runs exactly the bytes that ran before, named as they were, with its release command.
        var created = await ReleaseSnapshots.InsertAsync(connection, tx, appId, ReleaseSource.SameAs(target), ReleaseReasons.Rollback, now,
            sourceReleaseId: target.Id, imageDigest: target.ImageDigest, envSnapshotJson: target.EnvSnapshot, procfileJson: target.Procfile);
        await connection.ExecuteAsync(
            "UPDATE releases SET release_command = @ReleaseCommand, release_command_timeout_seconds = @ReleaseCommandTimeoutSeconds WHERE id = @id",
            new { target.ReleaseCommand, target.ReleaseCommandTimeoutSeconds, created!.Value.Release.Id }, tx);
        await tx.CommitAsync(ct);
        return (RollbackOutcome.Created, created!.Value.Release, created.Value.Generation);
    }

    public async Task<IReadOnlyList<ReleaseRow>> ListAsync(Guid appId, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var rows = await connection.QueryAsync<ReleaseRow>(new CommandDefinition(
            SelectRelease + " WHERE app_id = @appId ORDER BY created_at DESC LIMIT 100", new { appId }, cancellationToken: ct));
        return rows.AsList();
    }

    public async Task<ReleaseRow?> GetAsync(Guid appId, Guid releaseId, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<ReleaseRow>(new CommandDefinition(
            SelectRelease + " WHERE id = @releaseId AND app_id = @appId", new { appId, releaseId }, cancellationToken: ct));
    }

    /// <summary>The build log as kept so far (while the build runs too); null when nothing was printed yet.</summary>
    public async Task<string?> GetBuildLogAsync(Guid appId, Guid releaseId, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition(
            "SELECT l.log FROM release_build_logs l JOIN releases r ON r.id = l.release_id WHERE r.app_id = @appId AND l.release_id = @releaseId",
            new { appId, releaseId }, cancellationToken: ct));
    }

    /// <summary>What a live reader that has <paramref name="sent"/> characters gets next, and whether the build has ended.</summary>
    public async Task<(BuildLogDelta Delta, long Total, bool Finished)?> BuildLogAfterAsync(Guid releaseId, long sent, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<BuildLogRow>(new CommandDefinition(
            """
            SELECT log_chars AS total, finished_at IS NOT NULL AS finished,
                   CASE WHEN log_chars = @sent THEN NULL
                        WHEN log_chars < @sent OR log_chars - @sent > @max THEN log
                        ELSE right(log, (log_chars - @sent)::int) END AS text
            FROM release_build_logs WHERE release_id = @releaseId
            """,
            new { releaseId, sent, max = Contracts.Logs.BuildLogs.MaxKeptChars }, cancellationToken: ct));
        return row is null ? null : (BuildLogDelta.Next(row.Text ?? "", row.Total, sent), row.Total, row.Finished);
    }

    private sealed record BuildLogRow
    {
        public long Total { get; init; }
        public bool Finished { get; init; }
        public string? Text { get; init; }
    }
}
