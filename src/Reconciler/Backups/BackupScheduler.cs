using PersonalCloud.Contracts.Backups;

namespace PersonalCloud.Reconciler.Backups;

/// <summary>
/// The backups' loop, level-triggered like the app reconciler: each pass reads volumes, policies, backups and restores
/// from Postgres and the labelled volumes from the engine; requests due scheduled backups and final backups of orphaned
/// volumes; runs the requested backups and restores one at a time; switches ready restores the owner asked to switch;
/// and prunes by retention. It wakes on NOTIFY (a request) and every <see cref="Poll"/>. At start, what was under way
/// when the reconciler stopped ends as failed, once.
/// </summary>
public sealed partial class BackupScheduler(
    BackupRecords records,
    RestoreRecords restoreRecords,
    BackupRunner backups,
    RestoreRunner restores,
    FinalBackups finals,
    BackupRetention retention,
    IVolumeArchives volumes,
    TimeProvider time,
    ILogger<BackupScheduler> logger) : BackgroundService
{
    public static readonly TimeSpan Poll = TimeSpan.FromSeconds(2);
    private TaskCompletionSource _wake = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Wake() => _wake.TrySetResult();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interrupted = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            var wake = _wake;
            if (wake.Task.IsCompleted)
                _wake = wake = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            try
            {
                if (!interrupted)
                {
                    var failed = await records.FailInterruptedAsync(time.GetUtcNow(), stoppingToken);
                    if (failed > 0)
                        LogInterrupted(logger, failed);
                    await volumes.RemoveLeftoversAsync(stoppingToken);
                    interrupted = true;
                }

                if (await PassAsync(stoppingToken))
                    continue;
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                // Postgres or the engine may be away for a while: the next pass reads everything again.
                LogPassFailed(logger, e);
            }

            using var delay = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            await Task.WhenAny(wake.Task, Task.Delay(Poll, time, delay.Token));
            await delay.CancelAsync();
        }
    }

    /// <summary>One pass; true when it ran a backup or restore (so the next pass follows at once).</summary>
    public async Task<bool> PassAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var snapshot = await records.ReadAsync(ct);
        await RequestScheduledAsync(snapshot, now, ct);
        await RequestFinalAsync(snapshot, ct);

        foreach (var restore in snapshot.Restores.Where(r => r is { State: BackupRules.RestoreReady, SwitchRequestedAt: not null }))
        {
            if (await restoreRecords.SwitchAsync(restore, time.GetUtcNow(), ct))
                LogSwitched(logger, restore.AppId, restore.VolumeName, restore.TargetVolume ?? "");
        }

        await retention.PruneAsync(snapshot, now, ct);

        // Restores first: the owner is waiting on them. One job per pass; the next pass reads everything again.
        if (snapshot.Restores.FirstOrDefault(r => r.State == BackupRules.Requested) is { } requested)
        {
            await restores.RunAsync(requested, snapshot.Switches, ct);
            return true;
        }

        // Re-read: a request written by this pass (scheduled, final) is run in the same pass.
        var open = (await records.ReadAsync(ct)).Requested;
        if (open.Count == 0)
            return false;
        await backups.RunAsync(open[0], ct);
        return true;
    }

    private async Task RequestScheduledAsync(BackupsSnapshot snapshot, DateTimeOffset now, CancellationToken ct)
    {
        foreach (var volume in snapshot.Volumes)
        {
            var from = new DateTimeOffset(volume.LastScheduled ?? volume.CreatedAt, TimeSpan.Zero);
            if (BackupPlanner.Due(volume.Schedule, from, now) is not { } due)
                continue;
            var target = new BackupTarget(Guid.CreateVersion7(), volume.AppId, volume.AppName, volume.VolumeId, volume.VolumeName, volume.DockerVolume, volume.ReleaseId);
            if (await records.RequestAsync(target, BackupRules.TriggerSchedule, due, now, ct) is not null)
                LogScheduled(logger, volume.AppId, volume.VolumeName, due);
        }
    }

    private async Task RequestFinalAsync(BackupsSnapshot snapshot, CancellationToken ct)
    {
        var desired = snapshot.Volumes.Select(v => v.VolumeId).ToHashSet();
        foreach (var orphan in await volumes.ListAppVolumesAsync(ct))
        {
            if (desired.Contains(orphan.VolumeId))
                continue;
            var dockerVolume = snapshot.Switches.GetValueOrDefault(orphan.VolumeId) ?? orphan.DockerVolume;
            await finals.EnsureAsync(orphan.VolumeId, dockerVolume, orphan.AppId ?? Guid.Empty, orphan.AppName ?? "(deleted app)", orphan.VolumeName ?? "(unnamed)", ct);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Backup pass failed; looking again shortly")]
    private static partial void LogPassFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} backups or restores were under way when the reconciler stopped; they are marked failed")]
    private static partial void LogInterrupted(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Scheduled backup of app {AppId} volume {Volume} for {Due}")]
    private static partial void LogScheduled(ILogger logger, Guid appId, string volume, DateTimeOffset due);

    [LoggerMessage(Level = LogLevel.Information, Message = "App {AppId} volume {Volume} now mounts the restored {Target}")]
    private static partial void LogSwitched(ILogger logger, Guid appId, string volume, string target);
}
