using Microsoft.Extensions.Options;
using PersonalCloud.Contracts.Backups;

namespace PersonalCloud.Reconciler.Backups;

/// <summary>Where an orphaned volume's final backup stands.</summary>
public abstract record FinalBackupState
{
    private FinalBackupState()
    {
    }

    /// <summary>Requested or under way: keep the volume.</summary>
    public sealed record Pending(Guid BackupId) : FinalBackupState;

    /// <summary>A verified final backup exists: the volume may be removed.</summary>
    public sealed record Verified(Guid BackupId) : FinalBackupState;

    /// <summary>The last attempt failed: keep the volume; another attempt is requested after PCLOUD_FINAL_BACKUP_RETRY_MINUTES.</summary>
    public sealed record Failed(Guid BackupId, string Reason) : FinalBackupState;
}

/// <summary>
/// The final backup of an app volume whose desired row is gone (the volume or its app was deleted): the gate that
/// removing its Docker volume must pass (the volumes' IVolumeRemovalGate calls <see cref="EnsureAsync"/> and removes the
/// volume only on <see cref="FinalBackupState.Verified"/>). Idempotent: it requests at most one final backup at a time;
/// the backup scheduler takes it like any other. The backup row keeps the app's and volume's names and outlives both.
/// </summary>
public sealed class FinalBackups(BackupRecords records, TimeProvider time, IOptions<BackupOptions> options)
{
    public async Task<FinalBackupState> EnsureAsync(Guid volumeId, string dockerVolumeName, Guid appId, string appName, string volumeName, CancellationToken ct)
    {
        var latest = await records.LatestFinalAsync(volumeId, ct);
        var now = time.GetUtcNow();
        switch (latest)
        {
            case { State: BackupRules.Verified }:
                return new FinalBackupState.Verified(latest.Id);
            case { State: BackupRules.Failed } when now - new DateTimeOffset(latest.FinishedAt ?? latest.RequestedAt, TimeSpan.Zero) < TimeSpan.FromMinutes(options.Value.FinalRetryMinutes):
                return new FinalBackupState.Failed(latest.Id, latest.Reason ?? "the final backup failed");
            case { State: not BackupRules.Failed }:
                return new FinalBackupState.Pending(latest.Id);
        }

        var target = new BackupTarget(Guid.CreateVersion7(), appId, appName, volumeId, volumeName, dockerVolumeName, null);
        var row = await records.RequestAsync(target, BackupRules.TriggerFinal, null, now, ct);
        return new FinalBackupState.Pending(row?.Id ?? target.BackupId);
    }
}
