using PersonalCloud.Reconciler.Volumes;

namespace PersonalCloud.Reconciler.Backups;

/// <summary>
/// The volumes' removal gate: an orphaned volume's data goes only once a final backup of it is verified (restored into a
/// scratch volume and checked); until then it is kept, with where its final backup stands as the reason.
/// </summary>
public sealed class FinalBackupGate(FinalBackups finals) : IVolumeRemovalGate
{
    public async ValueTask<RemovalDecision> CanRemoveAsync(OrphanVolume volume, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(volume);
        var state = await finals.EnsureAsync(volume.VolumeId, volume.DockerName, volume.AppId, volume.AppName, volume.Name, ct);
        return state switch
        {
            FinalBackupState.Verified v => RemovalDecision.Allow($"final backup {v.BackupId} verified; the data is in it"),
            FinalBackupState.Failed f => RemovalDecision.Keep(
                $"{RemovalDecision.WaitingForFinalBackup}; the last attempt ({f.BackupId}) failed: {f.Reason}. It is tried again later; the data stays meanwhile"),
            FinalBackupState.Pending p => RemovalDecision.Keep($"{RemovalDecision.WaitingForFinalBackup} (backup {p.BackupId} is under way)"),
            _ => RemovalDecision.Keep(RemovalDecision.WaitingForFinalBackup),
        };
    }
}
