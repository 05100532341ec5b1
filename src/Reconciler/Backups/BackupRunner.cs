using Microsoft.Extensions.Options;
using PersonalCloud.Contracts.Backups;
using PersonalCloud.Reconciler.Events;

namespace PersonalCloud.Reconciler.Backups;

/// <summary>
/// Runs one requested backup to its end: claims the row, takes and verifies the backup (<see cref="BackupEngine"/>),
/// shows progress every second, and records verified or failed (with the reason) and an event on the app. A failure is
/// terminal: transient engine errors were already retried (bounded) inside each call; the backup is not started again.
/// </summary>
public sealed partial class BackupRunner(
    BackupRecords records,
    BackupEngine engine,
    EventJournal journal,
    TimeProvider time,
    IOptions<BackupOptions> options,
    ILogger<BackupRunner> logger)
{
    public static readonly TimeSpan ProgressEvery = TimeSpan.FromSeconds(1);

    /// <summary>The backup's end state (verified or failed) and the reason when failed; null when another pass had claimed it.</summary>
    public async Task<(string State, string? Reason)?> RunAsync(BackupRow backup, CancellationToken ct)
    {
        if (!await records.StartAsync(backup.Id, time.GetUtcNow(), ct))
            return null;
        var started = time.GetUtcNow();
        var progress = new TransferProgress();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromMinutes(options.Value.TimeoutMinutes));
        using var showing = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var shown = ShowProgressAsync(backup.Id, progress, showing.Token);
        try
        {
            var manifest = await engine.TakeAsync(backup.Target, progress, () => records.VerifyingAsync(backup.Id, ct), timeout.Token);
            await showing.CancelAsync();
            await shown;
            // The journal first: whoever sees the new state finds its event already there.
            await RecordAsync(backup, EventJournal.Succeeded, null, started, ct);
            await records.VerifiedAsync(backup.Id, manifest, time.GetUtcNow(), ct);
            LogVerified(logger, backup.AppId, backup.VolumeName, backup.Id, manifest.ArchiveBytes, manifest.FileCount);
            return (BackupRules.Verified, null);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            await showing.CancelAsync();
            await shown;
            var reason = timeout.IsCancellationRequested ? FailureReasons.Of(new TimeoutException()) : FailureReasons.Of(e);
            await RecordAsync(backup, EventJournal.Failed, reason, started, ct);
            await records.FailedAsync(backup.Id, reason, time.GetUtcNow(), ct);
            LogFailed(logger, e, backup.AppId, backup.VolumeName, backup.Id, reason);
            return (BackupRules.Failed, reason);
        }
    }

    private async Task ShowProgressAsync(Guid id, TransferProgress progress, CancellationToken ct)
    {
        try
        {
            while (true)
            {
                await Task.Delay(ProgressEvery, time, ct);
                await records.ProgressAsync(id, progress.Bytes, progress.Files, ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    private async Task RecordAsync(BackupRow backup, string outcome, string? reason, DateTimeOffset started, CancellationToken ct)
    {
        // A final backup may outlive its app: the journal belongs to apps that exist.
        if (!await records.AppExistsAsync(backup.AppId, ct))
            return;
        var action = $"backup-{backup.Trigger}";
        var why = outcome == EventJournal.Succeeded
            ? $"backup of volume {backup.VolumeName} verified (restored into a scratch volume, every file's checksum compared)"
            : $"backup of volume {backup.VolumeName} failed: {reason}";
        await journal.RecordAsync(new AppEvent(backup.AppId, backup.ReleaseId, null, action, why, outcome, reason, time.GetUtcNow() - started), ct);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Backup {BackupId} of app {AppId} volume {Volume} verified: {Bytes} bytes, {Files} files")]
    private static partial void LogVerified(ILogger logger, Guid appId, string volume, Guid backupId, long bytes, int files);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Backup {BackupId} of app {AppId} volume {Volume} failed: {Reason}")]
    private static partial void LogFailed(ILogger logger, Exception exception, Guid appId, string volume, Guid backupId, string reason);
}
