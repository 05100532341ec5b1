using System.Data;
using Dapper;
using PersonalCloud.Contracts.Apps;
using PersonalCloud.ControlPlane.Database;

namespace PersonalCloud.ControlPlane.Releases;

/// <summary>
/// Where a new release's image comes from. GitUrl is shown (credentials masked); GitUrlSealed is the whole URL sealed,
/// when it carried credentials; GitCommit is the commit a build checked out (known once built).
/// </summary>
public sealed record ReleaseSource(string Kind, string Image, string? GitUrl = null, string? GitRef = null, byte[]? Archive = null,
    string? GitUrlSealed = null, string? GitCommit = null)
{
    public static ReleaseSource FromImage(string image) => new(ReleaseSources.Image, image);

    /// <summary>
    /// What an earlier release ran, named as it was (its image reference or build tag, its git source): a new release
    /// made from it (env change, rollback) runs its digest but still says what that is.
    /// </summary>
    public static ReleaseSource SameAs(ReleaseRow release, byte[]? archive = null) =>
        new(release.SourceKind, release.Image, release.GitUrl, release.GitRef, archive, release.GitUrlSealed, release.GitCommit);
}

/// <summary>
/// Writes a release as an immutable snapshot of what the app will run: image (or source), the sealed env values,
/// port, limits and health settings as they are now. Makes it the app's desired release and notifies the reconciler.
/// Runs inside the caller's transaction.
/// </summary>
public static class ReleaseSnapshots
{
    /// <summary>The app's process definitions as a release snapshots them: a JSON array of ProcessDefinition (camelCase).</summary>
    internal const string ProcessesSnapshotSql = """
        COALESCE((SELECT jsonb_agg(jsonb_build_object('name', p.name, 'kind', p.kind, 'command', p.command, 'replicas', p.replicas,
                                                      'memoryMb', p.memory_mb, 'cpus', p.cpus, 'pids', p.pids_limit,
                                                      'livenessCommand', p.liveness_command, 'updateOrder', p.update_order) ORDER BY p.name)
                  FROM app_processes p WHERE p.app_id = a.id), '[]'::jsonb)
        """;

    /// <summary>The app's volumes as a release snapshots them: a JSON array of {id, name, mountPath, processes} (camelCase).</summary>
    internal const string VolumesSnapshotSql = """
        COALESCE((SELECT jsonb_agg(jsonb_build_object('id', v.id, 'name', v.name, 'mountPath', v.mount_path, 'processes', to_jsonb(v.processes)) ORDER BY v.name)
                  FROM app_volumes v WHERE v.app_id = a.id), '[]'::jsonb)
        """;

    public static async Task<(ReleaseRow Release, long Generation)?> InsertAsync(
        IDbConnection connection, IDbTransaction tx, Guid appId, ReleaseSource source, string reason, DateTimeOffset now,
        Guid? sourceReleaseId = null, string? imageDigest = null, string? envSnapshotJson = null, string? procfileJson = null)
    {
        var id = Guid.CreateVersion7();
        // The processes and the release command are the app's as they are now (a rollback restores the app's first); the
        // volumes are the app's as they are now, a rollback included: it never detaches data nor brings back a deleted volume.
        var inserted = await connection.ExecuteAsync(
            $$"""
            INSERT INTO releases (id, app_id, image, image_digest, source_kind, git_url, git_url_sealed, git_ref, git_commit, port, status, created_at, env_snapshot,
                                  memory_mb, cpus, pids_limit, security_profile, health_path, health_timeout_seconds, healthy_threshold,
                                  deploy_deadline_seconds, drain_seconds, stop_timeout_seconds, reason, source_release_id, run_as_root,
                                  processes, procfile, release_command, release_command_timeout_seconds, volumes)
            SELECT @id, a.id, @Image, @imageDigest, @Kind, @GitUrl, @GitUrlSealed, @GitRef, @GitCommit, a.port, @pending, @now,
                   COALESCE(@envSnapshotJson::jsonb, {{Addons.AddonEnvironment.SnapshotSql}}, '{}'::jsonb),
                   a.memory_mb, a.cpus, a.pids_limit, a.security_profile, h.path, h.timeout_seconds, h.healthy_threshold,
                   h.deploy_deadline_seconds, a.drain_seconds, a.stop_timeout_seconds, @reason, @sourceReleaseId, a.run_as_root,
                   {{ProcessesSnapshotSql}}, @procfileJson::jsonb, a.release_command, a.release_command_timeout_seconds, {{VolumesSnapshotSql}}
            FROM apps a JOIN health_checks h ON h.app_id = a.id
            WHERE a.id = @appId
            """,
            new
            {
                id, source.Image, imageDigest, source.Kind, source.GitUrl, source.GitUrlSealed, source.GitRef, source.GitCommit, pending = ReleaseStatus.Pending, now,
                envSnapshotJson, reason, sourceReleaseId, appId, procfileJson,
            },
            tx);
        if (inserted == 0)
            return null;

        if (source.Archive is { } archive)
        {
            await connection.ExecuteAsync(
                "INSERT INTO release_sources (release_id, archive, created_at) VALUES (@id, @archive, @now)", new { id, archive, now }, tx);
        }

        // Latest wins: a release still rolling out is cancelled by the reconciler once this one is desired.
        await connection.ExecuteAsync(
            "UPDATE apps SET desired_release_id = @id, image = CASE WHEN @Kind = 'image' THEN @Image ELSE image END WHERE id = @appId",
            new { id, source.Kind, source.Image, appId }, tx);
        var generation = await DesiredStateChanges.BumpAsync(connection, tx, appId);
        var release = await connection.QuerySingleAsync<ReleaseRow>(ReleasesStore.SelectRelease + " WHERE id = @id", new { id }, tx);
        return (release, generation!.Value);
    }

    /// <summary>
    /// After a config change (env): a new release of the same image (its digest once known, else its source to build)
    /// with a fresh env snapshot, so the change rolls out like a deploy. Nothing when the app was never deployed.
    /// </summary>
    public static async Task<(ReleaseRow Release, long Generation)?> InsertFromDesiredAsync(
        IDbConnection connection, IDbTransaction tx, Guid appId, string reason, DateTimeOffset now)
    {
        var desired = await connection.QuerySingleOrDefaultAsync<ReleaseRow>(
            ReleasesStore.SelectRelease + " WHERE id = (SELECT desired_release_id FROM apps WHERE id = @appId)", new { appId }, tx);
        if (desired is null)
            return null;

        // The digest runs once known (the reconciler never builds again); the reference and source still name it.
        var source = desired.ImageDigest is not null
            ? ReleaseSource.SameAs(desired)
            : ReleaseSource.SameAs(desired,
                await connection.QuerySingleOrDefaultAsync<byte[]>("SELECT archive FROM release_sources WHERE release_id = @Id", new { desired.Id }, tx));
        return await InsertAsync(connection, tx, appId, source, reason, now, sourceReleaseId: desired.Id, imageDigest: desired.ImageDigest,
            procfileJson: desired.Procfile);
    }
}
