using Dapper;
using Npgsql;
using PersonalCloud.Contracts.Backups;

namespace PersonalCloud.Reconciler.Backups;

/// <summary>
/// The backups' Postgres side: status columns of volume_backups, and the rows the reconciler itself requests (scheduled,
/// pre-restore and final backups). Reads throw: a failed read is never "no backups". A state change is conditional on the
/// state it leaves, so a repeated pass changes nothing twice.
/// </summary>
public sealed class BackupRecords(NpgsqlDataSource db)
{
    private const string BackupColumns =
        "id, app_id, app_name, volume_id, volume_name, docker_volume, trigger, state, reason, release_id, requested_at, finished_at, verified_at";

    public async Task<BackupsSnapshot> ReadAsync(CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        using var grid = await connection.QueryMultipleAsync(new CommandDefinition(
            $"""
            SELECT v.id AS volume_id, v.app_id, a.name AS app_name, v.name AS volume_name, a.current_release_id AS release_id, v.created_at,
                   p.schedule, p.keep_last, p.keep_days, s.docker_volume AS switched_to,
                   (SELECT max(b.scheduled_for) FROM volume_backups b WHERE b.volume_id = v.id) AS last_scheduled
            FROM app_volumes v JOIN apps a ON a.id = v.app_id
            LEFT JOIN volume_backup_policies p ON p.volume_id = v.id LEFT JOIN volume_switches s ON s.volume_id = v.id;
            SELECT {BackupColumns} FROM volume_backups WHERE state = 'requested' ORDER BY requested_at;
            SELECT {BackupColumns} FROM volume_backups WHERE state IN ('verified', 'failed');
            SELECT id, app_id, volume_id, volume_name, backup_id, mode, state, switch_requested_at, target_volume
            FROM volume_restores WHERE state IN ('requested', 'ready') ORDER BY requested_at;
            SELECT volume_id, keep_last, keep_days FROM volume_backup_policies;
            SELECT volume_id, docker_volume FROM volume_switches;
            """, cancellationToken: ct));
        var volumes = (await grid.ReadAsync<VolumeSchedule>()).AsList();
        var requested = (await grid.ReadAsync<BackupRow>()).AsList();
        var finished = (await grid.ReadAsync<BackupRow>()).AsList();
        var restores = (await grid.ReadAsync<RestoreRow>()).AsList();
        var policies = (await grid.ReadAsync<(Guid VolumeId, int KeepLast, int KeepDays)>())
            .ToDictionary(p => p.VolumeId, p => new RetentionPolicy(p.VolumeId, p.KeepLast, p.KeepDays));
        var switches = (await grid.ReadAsync<(Guid VolumeId, string DockerVolume)>()).ToDictionary(s => s.VolumeId, s => s.DockerVolume);
        return new BackupsSnapshot(volumes, requested, finished, restores, policies, switches);
    }

    /// <summary>Requests a backup the reconciler decided on; null when one for that scheduled time exists already.</summary>
    public async Task<BackupRow?> RequestAsync(BackupTarget target, string trigger, DateTimeOffset? scheduledFor, DateTimeOffset now, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<BackupRow>(new CommandDefinition(
            $"""
            INSERT INTO volume_backups (id, app_id, app_name, volume_id, volume_name, docker_volume, trigger, scheduled_for, requested_at, release_id)
            VALUES (@BackupId, @AppId, @AppName, @VolumeId, @VolumeName, @DockerVolume, @trigger, @scheduledFor, @now, @ReleaseId)
            ON CONFLICT (volume_id, scheduled_for) DO NOTHING
            RETURNING {BackupColumns}
            """,
            new { target.BackupId, target.AppId, target.AppName, target.VolumeId, target.VolumeName, target.DockerVolume, trigger, scheduledFor, now, target.ReleaseId },
            cancellationToken: ct));
    }

    /// <summary>Claims a requested backup; false when it is no longer requested.</summary>
    public async Task<bool> StartAsync(Guid id, DateTimeOffset now, CancellationToken ct) =>
        await ExecuteAsync("UPDATE volume_backups SET state = 'running', started_at = @now WHERE id = @id AND state = 'requested'", new { id, now }, ct) == 1;

    public Task ProgressAsync(Guid id, long bytes, int files, CancellationToken ct) =>
        ExecuteAsync("UPDATE volume_backups SET progress_bytes = @bytes, progress_files = @files WHERE id = @id AND state = 'running'", new { id, bytes, files }, ct);

    public Task VerifyingAsync(Guid id, CancellationToken ct) =>
        ExecuteAsync("UPDATE volume_backups SET state = 'verifying' WHERE id = @id AND state = 'running'", new { id }, ct);

    public Task VerifiedAsync(Guid id, BackupManifest manifest, DateTimeOffset now, CancellationToken ct) =>
        ExecuteAsync(
            """
            UPDATE volume_backups SET state = 'verified', reason = NULL, finished_at = @now, verified_at = @now, size_bytes = @ArchiveBytes,
                   data_bytes = @DataBytes, file_count = @FileCount, archive_sha256 = @ArchiveSha256, progress_bytes = @DataBytes, progress_files = @entries
            WHERE id = @id AND state = 'verifying'
            """,
            new { id, now, manifest.ArchiveBytes, manifest.DataBytes, manifest.FileCount, manifest.ArchiveSha256, entries = manifest.Entries.Count }, ct);

    public Task FailedAsync(Guid id, string reason, DateTimeOffset now, CancellationToken ct) =>
        ExecuteAsync(
            "UPDATE volume_backups SET state = 'failed', reason = @reason, finished_at = @now WHERE id = @id AND state IN ('requested', 'running', 'verifying')",
            new { id, reason, now }, ct);

    /// <summary>At start: what was under way when the reconciler stopped ends as failed, once (never resumed in a loop).</summary>
    public Task<int> FailInterruptedAsync(DateTimeOffset now, CancellationToken ct) =>
        ExecuteAsync(
            """
            UPDATE volume_backups SET state = 'failed', finished_at = @now,
                   reason = 'the reconciler stopped while the backup ran; its partial archive was discarded'
            WHERE state IN ('running', 'verifying');
            UPDATE volume_restores SET state = 'failed', finished_at = @now,
                   reason = 'the reconciler stopped while the restore ran; the volume''s current data was not touched'
            WHERE state IN ('backing-up', 'restoring', 'verifying');
            """, new { now }, ct);

    public async Task<BackupRow?> GetAsync(Guid id, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<BackupRow>(new CommandDefinition(
            $"SELECT {BackupColumns} FROM volume_backups WHERE id = @id", new { id }, cancellationToken: ct));
    }

    /// <summary>The newest final backup of a volume, if any.</summary>
    public async Task<BackupRow?> LatestFinalAsync(Guid volumeId, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<BackupRow>(new CommandDefinition(
            $"SELECT {BackupColumns} FROM volume_backups WHERE volume_id = @volumeId AND trigger = @final ORDER BY requested_at DESC LIMIT 1",
            new { volumeId, final = BackupRules.TriggerFinal }, cancellationToken: ct));
    }

    public Task DeleteAsync(Guid id, CancellationToken ct) =>
        ExecuteAsync("DELETE FROM volume_backups WHERE id = @id AND state IN ('verified', 'failed')", new { id }, ct);

    public async Task<bool> AppExistsAsync(Guid appId, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.ExecuteScalarAsync<bool>(new CommandDefinition("SELECT EXISTS (SELECT 1 FROM apps WHERE id = @appId)", new { appId }, cancellationToken: ct));
    }

    private async Task<int> ExecuteAsync(string sql, object parameters, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(sql, parameters, cancellationToken: ct));
    }
}
