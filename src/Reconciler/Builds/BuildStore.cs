using Dapper;
using Npgsql;
using PersonalCloud.Contracts.Apps;

namespace PersonalCloud.Reconciler.Builds;

/// <summary>A source release's build context and build log in Postgres. Each call is one short statement or transaction, never held across a build.</summary>
public sealed class BuildStore(NpgsqlDataSource db)
{
    /// <summary>The uploaded tar.gz of an archive release; null once built (or never uploaded).</summary>
    public async Task<byte[]?> ReadArchiveAsync(Guid releaseId, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<byte[]>(new CommandDefinition(
            "SELECT archive FROM release_sources WHERE release_id = @releaseId", new { releaseId }, cancellationToken: ct));
    }

    /// <summary>
    /// A build (or another attempt at it) begins: its log starts empty and counts as running. False, and the log kept,
    /// when the release has failed already (a pass that read it just before its build failed asked for it again).
    /// </summary>
    public async Task<bool> StartAsync(Guid releaseId, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO release_build_logs (release_id, log, log_chars, succeeded, finished_at)
            SELECT @releaseId, '', 0, NULL, NULL WHERE EXISTS (SELECT 1 FROM releases WHERE id = @releaseId AND status <> @failed)
            ON CONFLICT (release_id) DO UPDATE SET log = '', log_chars = 0, succeeded = NULL, finished_at = NULL
            """, new { releaseId, failed = ReleaseStatus.Failed }, cancellationToken: ct)) > 0;
    }

    /// <summary>
    /// The log of a build still running, readable (and streamed) while the build goes on; never over a finished one.
    /// </summary>
    public async Task WriteRunningAsync(Guid releaseId, BuildLogSnapshot log, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO release_build_logs (release_id, log, log_chars, succeeded, finished_at) VALUES (@releaseId, @Text, @TotalChars, NULL, NULL)
            ON CONFLICT (release_id) DO UPDATE SET log = EXCLUDED.log, log_chars = EXCLUDED.log_chars
            WHERE release_build_logs.finished_at IS NULL
            """, new { releaseId, log.Text, log.TotalChars }, cancellationToken: ct));
    }

    /// <summary>
    /// Keeps the build log; after a success also records the digest at once (so no later pass builds again, even if this one
    /// fails further on) and drops the uploaded context, which the digest replaces.
    /// </summary>
    public async Task RecordAsync(Guid releaseId, BuildLogSnapshot log, string? imageDigest, DateTimeOffset finishedAt, CancellationToken ct)
    {
        var succeeded = imageDigest is not null;
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO release_build_logs (release_id, log, log_chars, succeeded, finished_at) VALUES (@releaseId, @Text, @TotalChars, @succeeded, @finishedAt)
            ON CONFLICT (release_id) DO UPDATE SET log = EXCLUDED.log, log_chars = EXCLUDED.log_chars, succeeded = EXCLUDED.succeeded, finished_at = EXCLUDED.finished_at
            """, new { releaseId, log.Text, log.TotalChars, succeeded, finishedAt }, tx, cancellationToken: ct));
        if (succeeded)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE releases SET image_digest = COALESCE(image_digest, @imageDigest) WHERE id = @releaseId",
                new { releaseId, imageDigest }, tx, cancellationToken: ct));
            await connection.ExecuteAsync(new CommandDefinition(
                "DELETE FROM release_sources WHERE release_id = @releaseId", new { releaseId }, tx, cancellationToken: ct));
        }

        await tx.CommitAsync(ct);
    }

    /// <summary>The commit a git build checked out, so the release names exactly what it runs.</summary>
    public async Task RecordCommitAsync(Guid releaseId, string commit, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE releases SET git_commit = @commit WHERE id = @releaseId", new { releaseId, commit }, cancellationToken: ct));
    }

    /// <summary>
    /// What image collection needs of the apps owning built images: the serving and wanted release and every release,
    /// newest first. An app missing from the answer does not exist (a failed read throws: it never looks like "deleted").
    /// </summary>
    public async Task<IReadOnlyDictionary<Guid, AppImageUses>> ReadImageUsesAsync(IReadOnlyCollection<Guid> appIds, CancellationToken ct)
    {
        var ids = appIds.ToArray();
        await using var connection = await db.OpenConnectionAsync(ct);
        var apps = await connection.QueryAsync<(Guid Id, Guid? CurrentReleaseId, Guid? DesiredReleaseId)>(new CommandDefinition(
            "SELECT id, current_release_id, desired_release_id FROM apps WHERE id = ANY(@ids)", new { ids }, cancellationToken: ct));
        var releases = (await connection.QueryAsync<(Guid AppId, Guid Id, string Image, string? ImageDigest, string Status)>(new CommandDefinition(
            "SELECT app_id, id, image, image_digest, status FROM releases WHERE app_id = ANY(@ids) ORDER BY created_at DESC, id DESC",
            new { ids }, cancellationToken: ct))).ToLookup(r => r.AppId);
        return apps.ToDictionary(a => a.Id, a => new AppImageUses(a.Id, a.CurrentReleaseId, a.DesiredReleaseId,
            releases[a.Id].Select(r => new ReleaseImageUse(r.Id, r.Image, r.ImageDigest, r.Status)).ToList()));
    }

    /// <summary>The release waits for its build: visible as status "building" (only a pending release becomes one).</summary>
    public async Task MarkBuildingAsync(Guid releaseId, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE releases SET status = @building WHERE id = @releaseId AND status = @pending",
            new { releaseId, building = ReleaseStatus.Building, pending = ReleaseStatus.Pending }, cancellationToken: ct));
    }

    /// <summary>Its image is there: a building release is pending again (its rollout decides what comes next).</summary>
    public async Task MarkBuiltAsync(Guid releaseId, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE releases SET status = @pending WHERE id = @releaseId AND status = @building",
            new { releaseId, building = ReleaseStatus.Building, pending = ReleaseStatus.Pending }, cancellationToken: ct));
    }
}
