using Microsoft.Extensions.Options;
using PersonalCloud.Reconciler.Events;

namespace PersonalCloud.Reconciler.Volumes;

/// <summary>
/// Every <see cref="VolumeOptions.ScanSeconds"/>: makes missing desired volumes, measures every volume's usage (warning and
/// one event per crossing of the threshold), and hands orphans (no desired row, no container) to the removal gate, which
/// alone may let one be removed. A failed read fails the pass (retried next time): it never looks like "no volumes".
/// </summary>
public sealed partial class VolumeMonitor(
    IVolumeRuntime runtime,
    VolumeStatusStore store,
    IVolumeRemovalGate gate,
    EventJournal journal,
    IOptions<VolumeOptions> options,
    TimeProvider time,
    ILogger<VolumeMonitor> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.ScanSeconds), time);
        do
        {
            try
            {
                await PassAsync(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                // The one catch of this loop: the next tick re-reads everything.
                LogPassFailed(logger, e.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    public async Task PassAsync(CancellationToken ct)
    {
        var desired = store.ReadDesiredAsync(ct);
        var observed = runtime.ListManagedVolumesAsync(ct);
        var previous = store.ReadAllAsync(ct);
        await Task.WhenAll(desired, observed, previous);
        var now = time.GetUtcNow();
        var plan = VolumePlanner.Plan(await desired, await observed, await previous, options.Value.WarnBytes, now);

        foreach (var d in plan.Create)
        {
            await runtime.EnsureVolumeAsync(d.Id, d.Name, d.AppId, d.AppName, ct);
            LogCreated(logger, d.AppId, d.Name, d.Id);
        }

        foreach (var status in plan.Statuses)
            await store.UpsertAsync(status, ct);

        foreach (var crossed in plan.WarningsCrossed)
        {
            await journal.RecordAsync(new AppEvent(crossed.AppId, null, null, "VolumeUsageWarning", $"volume {crossed.Name} {crossed.Warning}",
                EventJournal.Failed, crossed.Warning, TimeSpan.Zero), ct);
        }

        var last = (await previous).ToDictionary(p => p.VolumeId);
        var usage = (await observed).ToDictionary(o => o.DockerName, o => o.UsageBytes, StringComparer.Ordinal);
        foreach (var orphan in plan.AskGate)
        {
            var before = last.GetValueOrDefault(orphan.VolumeId);
            var decision = await gate.CanRemoveAsync(orphan, ct);
            if (!decision.Remove)
            {
                await store.UpsertAsync(VolumePlanner.Orphaned(orphan, "deleted; kept: " + decision.Reason, usage.GetValueOrDefault(orphan.DockerName), now, before), ct);
                if (before?.State != VolumeStates.Orphaned || before.Reason != "deleted; kept: " + decision.Reason)
                    await JournalAsync(orphan, "KeepVolume", $"volume {orphan.Name} has no desired row any more; kept: {decision.Reason}", ct);
                continue;
            }

            var removed = await runtime.RemoveVolumeAsync(orphan.DockerName, ct);
            var reason = removed ? "removed: " + decision.Reason : "kept: the engine says a container still uses it";
            await store.UpsertAsync(VolumePlanner.Orphaned(orphan, reason, null, now, before) with { State = removed ? VolumeStates.Removed : VolumeStates.Orphaned }, ct);
            if (removed)
            {
                LogRemoved(logger, orphan.AppId, orphan.Name, orphan.VolumeId, decision.Reason);
                await JournalAsync(orphan, "RemoveVolume", $"volume {orphan.Name} removed: {decision.Reason}", ct);
            }
        }
    }

    /// <summary>Only an app that still exists has a journal; a deleted app's volume shows its reason in its status row.</summary>
    private async Task JournalAsync(OrphanVolume orphan, string action, string reason, CancellationToken ct)
    {
        if (await store.AppExistsAsync(orphan.AppId, ct))
            await journal.RecordAsync(new AppEvent(orphan.AppId, null, null, action, reason, EventJournal.Succeeded, null, TimeSpan.Zero), ct);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Volume pass failed; the next one retries: {Error}")]
    private static partial void LogPassFailed(ILogger logger, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "App {AppId}: created volume {VolumeName} ({VolumeId})")]
    private static partial void LogCreated(ILogger logger, Guid appId, string volumeName, Guid volumeId);

    [LoggerMessage(Level = LogLevel.Information, Message = "App {AppId}: removed orphaned volume {VolumeName} ({VolumeId}) because {Reason}")]
    private static partial void LogRemoved(ILogger logger, Guid appId, string volumeName, Guid volumeId, string reason);
}
