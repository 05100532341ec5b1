using Microsoft.Extensions.Options;
using PersonalCloud.Contracts.Backups;
using PersonalCloud.Reconciler.Events;

namespace PersonalCloud.Reconciler.Backups;

/// <summary>
/// Runs one requested restore: (in-place: first a verified pre-restore backup of the current data) the backup's archive
/// into a NEW Docker volume, checked file by file against its manifest, then ready. The volume's current Docker volume is
/// never written: a failure removes the new volume and leaves the data as it was. The switch (asked by the owner, or at
/// once for in-place) happens in <see cref="RestoreRecords.SwitchAsync"/>. A failure is terminal and recorded once.
/// </summary>
public sealed partial class RestoreRunner(
    RestoreRecords restores,
    BackupRecords backups,
    BackupRunner backupRunner,
    ArchiveRestorer restorer,
    IVolumeArchives volumes,
    IBackupStore store,
    EventJournal journal,
    TimeProvider time,
    IOptions<BackupOptions> options,
    ILogger<RestoreRunner> logger)
{
    public async Task RunAsync(RestoreRow restore, IReadOnlyDictionary<Guid, string> switches, CancellationToken ct)
    {
        var inPlace = restore.Mode == BackupRules.ModeInPlace;
        if (!await restores.StartAsync(restore.Id, inPlace ? BackupRules.RestoreBackingUp : BackupRules.RestoreRestoring, time.GetUtcNow(), ct))
            return;
        var started = time.GetUtcNow();
        var target = BackupLabels.RestoreVolume(restore.Id);
        var created = false;
        try
        {
            var backup = restore.BackupId is { } id ? await backups.GetAsync(id, ct) : null;
            if (backup is null || backup.State != BackupRules.Verified)
                throw new BackupFailedException("the backup is gone or was never verified; only a verified backup can be restored");
            var manifest = await store.ReadManifestAsync(new BackupLocation(backup.AppId, backup.VolumeId, backup.Id), ct)
                ?? throw new BackupFailedException("the backup's manifest is missing from the backups directory");
            if (inPlace)
                await PreRestoreBackupAsync(restore, backup, switches, ct);

            await restores.StateAsync(restore.Id, BackupRules.RestoreRestoring, ct);
            await volumes.CreateAsync(target, new Dictionary<string, string>
            {
                [Contracts.Labels.ContainerLabels.AppId] = restore.AppId.ToString("D"),
                [BackupLabels.RestoredVolumeOf] = restore.VolumeId.ToString("D"),
                [BackupLabels.RestoreId] = restore.Id.ToString("D"),
            }, ct);
            created = true;
            await restores.TargetAsync(restore.Id, target, manifest.TarBytes, manifest.Entries.Count, ct);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromMinutes(options.Value.TimeoutMinutes));
            var progress = new TransferProgress();
            string? difference;
            using (var showing = CancellationTokenSource.CreateLinkedTokenSource(ct))
            {
                var shown = ShowProgressAsync(restore.Id, progress, showing.Token);
                try
                {
                    difference = await restorer.RestoreAsync(backup.Target.Location, manifest, target, progress, timeout.Token);
                }
                finally
                {
                    await showing.CancelAsync();
                    await shown;
                }
            }

            await restores.StateAsync(restore.Id, "verifying", ct);
            if (difference is not null)
                throw new BackupFailedException($"the restored volume does not match the backup: {difference}");
            await journal.RecordAsync(new AppEvent(restore.AppId, null, null, "restore", $"backup restored into {target} for volume {restore.VolumeName}, every file's checksum compared",
                EventJournal.Succeeded, null, time.GetUtcNow() - started), ct);
            await restores.ReadyAsync(restore.Id, manifest.TarBytes, manifest.Entries.Count, time.GetUtcNow(), ct);
            LogReady(logger, restore.AppId, restore.VolumeName, restore.Id, target);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            var reason = FailureReasons.Of(e);
            if (created)
                await volumes.RemoveAsync(target, CancellationToken.None);
            await journal.RecordAsync(new AppEvent(restore.AppId, null, null, "restore", $"restore of volume {restore.VolumeName} failed: {reason}; its current data was not touched",
                EventJournal.Failed, reason, time.GetUtcNow() - started), ct);
            await restores.FailedAsync(restore.Id, reason, time.GetUtcNow(), ct);
            LogFailed(logger, e, restore.AppId, restore.VolumeName, restore.Id, reason);
        }
    }

    private async Task PreRestoreBackupAsync(RestoreRow restore, BackupRow from, IReadOnlyDictionary<Guid, string> switches, CancellationToken ct)
    {
        var target = new BackupTarget(Guid.CreateVersion7(), restore.AppId, from.AppName, restore.VolumeId, restore.VolumeName,
            VolumeSwitches.Resolve(restore.VolumeId, switches), null);
        var row = await backups.RequestAsync(target, BackupRules.TriggerPreRestore, null, time.GetUtcNow(), ct)
            ?? throw new BackupFailedException("the pre-restore backup could not be recorded");
        await restores.PreRestoreBackupAsync(restore.Id, row.Id, ct);
        var outcome = await backupRunner.RunAsync(row, ct);
        if (outcome is not { State: BackupRules.Verified })
            throw new BackupFailedException($"the pre-restore backup of the current data failed ({outcome?.Reason ?? "not run"}), so nothing was restored");
    }

    private async Task ShowProgressAsync(Guid id, TransferProgress progress, CancellationToken ct)
    {
        try
        {
            while (true)
            {
                await Task.Delay(BackupRunner.ProgressEvery, time, ct);
                await restores.ProgressAsync(id, progress.Bytes, progress.Files, ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Restore {RestoreId} of app {AppId} volume {Volume} is ready in {Target}")]
    private static partial void LogReady(ILogger logger, Guid appId, string volume, Guid restoreId, string target);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Restore {RestoreId} of app {AppId} volume {Volume} failed: {Reason}")]
    private static partial void LogFailed(ILogger logger, Exception exception, Guid appId, string volume, Guid restoreId, string reason);
}
