using PersonalCloud.Contracts.Backups;

namespace PersonalCloud.Reconciler.Backups;

/// <summary>Applies <see cref="BackupPlanner.Prune"/> to every volume's finished backups: the archive first, then the row.</summary>
public sealed partial class BackupRetention(BackupRecords records, IBackupStore store, ILogger<BackupRetention> logger)
{
    public async Task PruneAsync(BackupsSnapshot snapshot, DateTimeOffset now, CancellationToken ct)
    {
        var existing = snapshot.Volumes.ToDictionary(v => v.VolumeId);
        foreach (var group in snapshot.Finished.GroupBy(b => b.VolumeId))
        {
            var (keepLast, keepDays) = existing.TryGetValue(group.Key, out var volume)
                ? (volume.KeepLast ?? BackupRules.DefaultKeepLast, volume.KeepDays ?? BackupRules.DefaultKeepDays)
                : snapshot.Policies.TryGetValue(group.Key, out var policy) ? (policy.KeepLast, policy.KeepDays) : (BackupRules.DefaultKeepLast, BackupRules.DefaultKeepDays);
            var kept = group.Select(b => new KeptBackup(b.Id, b.State, Utc(b.RequestedAt), b.FinishedAt is { } f ? Utc(f) : null)).ToList();
            var byId = group.ToDictionary(b => b.Id);
            foreach (var id in BackupPlanner.Prune(kept, volume is not null, keepLast, keepDays, now))
            {
                var backup = byId[id];
                await store.DeleteAsync(new BackupLocation(backup.AppId, backup.VolumeId, backup.Id), ct);
                await records.DeleteAsync(backup.Id, ct);
                LogPruned(logger, backup.AppId, backup.VolumeName, backup.Id, backup.State);
            }
        }
    }

    private static DateTimeOffset Utc(DateTime t) => new(DateTime.SpecifyKind(t, DateTimeKind.Utc));

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention removed backup {BackupId} ({State}) of app {AppId} volume {Volume}")]
    private static partial void LogPruned(ILogger logger, Guid appId, string volume, Guid backupId, string state);
}
