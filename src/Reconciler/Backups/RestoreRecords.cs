using Dapper;
using Npgsql;
using PersonalCloud.Contracts.Notifications;

namespace PersonalCloud.Reconciler.Backups;

/// <summary>
/// The restores' Postgres side: the status columns of volume_restores, and volume_switches: which Docker volume holds an
/// app volume's data after a restore was switched in (written here, in the reconciler, when it performs the switch the
/// owner asked for; read by the container spec, see <see cref="VolumeSwitches"/>).
/// </summary>
public sealed class RestoreRecords(NpgsqlDataSource db)
{
    /// <summary>Claims a requested restore into <paramref name="state"/>; false when it is no longer requested.</summary>
    public async Task<bool> StartAsync(Guid id, string state, DateTimeOffset now, CancellationToken ct) =>
        await ExecuteAsync("UPDATE volume_restores SET state = @state, started_at = @now WHERE id = @id AND state = 'requested'", new { id, state, now }, ct) == 1;

    public Task StateAsync(Guid id, string state, CancellationToken ct) =>
        ExecuteAsync("UPDATE volume_restores SET state = @state WHERE id = @id AND state IN ('backing-up', 'restoring', 'verifying')", new { id, state }, ct);

    public Task PreRestoreBackupAsync(Guid id, Guid backupId, CancellationToken ct) =>
        ExecuteAsync("UPDATE volume_restores SET pre_restore_backup_id = @backupId WHERE id = @id", new { id, backupId }, ct);

    public Task TargetAsync(Guid id, string targetVolume, long totalBytes, int totalFiles, CancellationToken ct) =>
        ExecuteAsync("UPDATE volume_restores SET target_volume = @targetVolume, total_bytes = @totalBytes, total_files = @totalFiles WHERE id = @id",
            new { id, targetVolume, totalBytes, totalFiles }, ct);

    public Task ProgressAsync(Guid id, long bytes, int files, CancellationToken ct) =>
        ExecuteAsync("UPDATE volume_restores SET progress_bytes = @bytes, progress_files = @files WHERE id = @id", new { id, bytes, files }, ct);

    public Task ReadyAsync(Guid id, long bytes, int files, DateTimeOffset now, CancellationToken ct) =>
        ExecuteAsync(
            "UPDATE volume_restores SET state = 'ready', ready_at = @now, progress_bytes = @bytes, progress_files = @files WHERE id = @id AND state = 'verifying'",
            new { id, now, bytes, files }, ct);

    public Task FailedAsync(Guid id, string reason, DateTimeOffset now, CancellationToken ct) =>
        ExecuteAsync(
            "UPDATE volume_restores SET state = 'failed', reason = @reason, finished_at = @now WHERE id = @id AND state NOT IN ('switched', 'failed')",
            new { id, reason, now }, ct);

    /// <summary>
    /// Switches a ready restore in, in one transaction: the app volume's containers mount <paramref name="restore"/>'s
    /// volume from now on, the restore is 'switched', and the app's reconcile is woken (its containers roll).
    /// </summary>
    public async Task<bool> SwitchAsync(RestoreRow restore, DateTimeOffset now, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var switched = await connection.ExecuteAsync(
            "UPDATE volume_restores SET state = 'switched', finished_at = @now WHERE id = @Id AND state = 'ready' AND switch_requested_at IS NOT NULL",
            new { restore.Id, now }, tx);
        if (switched == 0)
            return false;
        await connection.ExecuteAsync(
            """
            INSERT INTO volume_switches (volume_id, app_id, docker_volume, restore_id, switched_at)
            SELECT @VolumeId, @AppId, @TargetVolume, @Id, @now WHERE EXISTS (SELECT 1 FROM apps WHERE id = @AppId)
            ON CONFLICT (volume_id) DO UPDATE SET docker_volume = EXCLUDED.docker_volume, restore_id = EXCLUDED.restore_id, switched_at = EXCLUDED.switched_at
            """, new { restore.VolumeId, restore.AppId, restore.TargetVolume, restore.Id, now }, tx);
        await connection.ExecuteAsync("UPDATE apps SET generation = generation + 1 WHERE id = @AppId", new { restore.AppId }, tx);
        await connection.ExecuteAsync("SELECT pg_notify(@channel, @payload)",
            new { channel = NotificationChannels.DesiredStateChanged, payload = restore.AppId.ToString() }, tx);
        await tx.CommitAsync(ct);
        return true;
    }

    private async Task<int> ExecuteAsync(string sql, object parameters, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(sql, parameters, cancellationToken: ct));
    }
}
