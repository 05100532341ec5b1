using Dapper;
using Npgsql;
using PersonalCloud.Contracts.Backups;
using PersonalCloud.Contracts.Volumes;

namespace PersonalCloud.ControlPlane.Backups;

/// <summary>An app volume as the backups API sees it (its app's name, the Docker volume that holds its data now).</summary>
public sealed record BackupVolume(Guid Id, Guid AppId, string AppName, string Name, Guid? ReleaseId, string? SwitchedTo)
{
    public string DockerVolume => SwitchedTo ?? VolumeNames.DockerName(Id);
}

/// <summary>The backups API's Postgres side: it writes requests (desired) and reads what the reconciler recorded (status).</summary>
public sealed class BackupsStore(NpgsqlDataSource db)
{
    private const string SelectBackup =
        """
        SELECT id, app_id, app_name, volume_id, volume_name, trigger, state, reason, release_id, requested_at, started_at, finished_at, verified_at,
               size_bytes, data_bytes, file_count, archive_sha256, progress_bytes, progress_files
        FROM volume_backups
        """;

    private const string SelectRestore =
        """
        SELECT id, app_id, volume_id, volume_name, backup_id, mode, state, reason, target_volume, pre_restore_backup_id, total_bytes, total_files,
               progress_bytes, progress_files, requested_at, switch_requested_at, ready_at, finished_at
        FROM volume_restores
        """;

    public async Task<BackupVolume?> VolumeAsync(Guid appId, string name, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<BackupVolume>(new CommandDefinition(
            """
            SELECT v.id, v.app_id, a.name AS app_name, v.name, a.current_release_id AS release_id, sw.docker_volume AS switched_to
            FROM app_volumes v JOIN apps a ON a.id = v.app_id LEFT JOIN volume_switches sw ON sw.volume_id = v.id
            WHERE v.app_id = @appId AND v.name = @name
            """, new { appId, name }, cancellationToken: ct));
    }

    public async Task RequestBackupAsync(Guid backupId, BackupVolume volume, DateTimeOffset now, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO volume_backups (id, app_id, app_name, volume_id, volume_name, docker_volume, trigger, requested_at, release_id)
            VALUES (@backupId, @AppId, @AppName, @volumeId, @Name, @dockerVolume, @trigger, @now, @ReleaseId)
            """,
            new { backupId, volumeId = volume.Id, volume.AppId, volume.AppName, volume.Name, dockerVolume = volume.DockerVolume, trigger = BackupRules.TriggerManual, now = now.UtcDateTime, volume.ReleaseId },
            cancellationToken: ct));
    }

    public async Task<BackupRecordRow?> GetBackupAsync(Guid appId, Guid backupId, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<BackupRecordRow>(new CommandDefinition(
            SelectBackup + " WHERE app_id = @appId AND id = @backupId", new { appId, backupId }, cancellationToken: ct));
    }

    public async Task<IReadOnlyList<BackupRecordRow>> ListBackupsAsync(Guid volumeId, int limit, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<BackupRecordRow>(new CommandDefinition(
            SelectBackup + " WHERE volume_id = @volumeId ORDER BY requested_at DESC, id DESC LIMIT @limit", new { volumeId, limit }, cancellationToken: ct))).AsList();
    }

    public async Task<(string Schedule, int KeepLast, int KeepDays)?> PolicyAsync(Guid volumeId, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<(string, int, int)?>(new CommandDefinition(
            "SELECT schedule, keep_last, keep_days FROM volume_backup_policies WHERE volume_id = @volumeId", new { volumeId }, cancellationToken: ct));
    }

    public async Task PutPolicyAsync(BackupVolume volume, string schedule, int keepLast, int keepDays, DateTimeOffset now, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO volume_backup_policies (volume_id, app_id, schedule, keep_last, keep_days, updated_at) VALUES (@Id, @AppId, @schedule, @keepLast, @keepDays, @now)
            ON CONFLICT (volume_id) DO UPDATE SET schedule = EXCLUDED.schedule, keep_last = EXCLUDED.keep_last, keep_days = EXCLUDED.keep_days, updated_at = EXCLUDED.updated_at
            """, new { volume.Id, volume.AppId, schedule, keepLast, keepDays, now = now.UtcDateTime }, cancellationToken: ct));
    }

    public async Task RequestRestoreAsync(Guid restoreId, BackupVolume volume, Guid backupId, string mode, DateTimeOffset now, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        // In place is a restore the owner asked to switch in as soon as it is ready.
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO volume_restores (id, app_id, volume_id, volume_name, backup_id, mode, requested_at, switch_requested_at)
            VALUES (@restoreId, @AppId, @volumeId, @Name, @backupId, @mode, @now, CASE WHEN @mode = 'in-place' THEN @now END)
            """, new { restoreId, volume.AppId, volumeId = volume.Id, volume.Name, backupId, mode, now = now.UtcDateTime }, cancellationToken: ct));
    }

    public async Task<RestoreRecordRow?> GetRestoreAsync(Guid appId, Guid restoreId, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<RestoreRecordRow>(new CommandDefinition(
            SelectRestore + " WHERE app_id = @appId AND id = @restoreId", new { appId, restoreId }, cancellationToken: ct));
    }

    public async Task<IReadOnlyList<RestoreRecordRow>> ListRestoresAsync(Guid volumeId, int limit, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<RestoreRecordRow>(new CommandDefinition(
            SelectRestore + " WHERE volume_id = @volumeId ORDER BY requested_at DESC, id DESC LIMIT @limit", new { volumeId, limit }, cancellationToken: ct))).AsList();
    }

    /// <summary>Asks for a ready restore to be switched in; false when it is not ready (or was switched already).</summary>
    public async Task<bool> RequestSwitchAsync(Guid appId, Guid restoreId, DateTimeOffset now, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE volume_restores SET switch_requested_at = COALESCE(switch_requested_at, @now)
            WHERE app_id = @appId AND id = @restoreId AND state IN ('ready', 'switched')
            """, new { appId, restoreId, now = now.UtcDateTime }, cancellationToken: ct)) == 1;
    }
}
