using PersonalCloud.Reconciler.Containers;
using PersonalCloud.Reconciler.Events;

namespace PersonalCloud.Reconciler.Volumes;

/// <summary>
/// Before a container that mounts volumes starts: each volume exists with its labels, and its root directory belongs to the
/// user the container runs as (a fresh named volume is root's). Done once per image and user (recorded in the status row),
/// so an app whose image or user changes gets its volume root re-owned; files inside keep their owners.
/// </summary>
public sealed partial class VolumePreparer(IVolumeRuntime runtime, VolumeStatusStore store, EventJournal journal, TimeProvider time, ILogger<VolumePreparer> logger)
{
    public async Task PrepareAsync(ContainerSpec spec, CancellationToken ct)
    {
        foreach (var mount in spec.Mounts)
        {
            await runtime.EnsureVolumeAsync(mount.VolumeId, mount.Name, spec.AppId, spec.AppName, ct);
            var user = spec.RunsAs;
            var key = $"{spec.ImageId} {user ?? "root"}";
            if (await store.PreparedForAsync(mount.VolumeId, ct) == key)
                continue;
            var started = time.GetTimestamp();
            // Root (no user, or uid 0) owns a fresh volume already.
            string owner;
            try
            {
                owner = user is null or "0" or "0:0" or "root" ? "0:0" : await runtime.PrepareOwnerAsync(mount, spec.ImageId, user, ct);
            }
            catch (InvalidOperationException e)
            {
                // The image's user cannot be resolved: it always will not be. The container starts anyway; the journal says why writes may fail.
                await journal.RecordAsync(new AppEvent(spec.AppId, spec.ReleaseId, null, "PrepareVolume",
                    $"volume {mount.Name} at {mount.MountPath} could not be made writable for {user}", EventJournal.Failed, e.Message, time.GetElapsedTime(started)), ct);
                await store.MarkPreparedAsync(mount, spec.AppId, spec.AppName, key, ct);
                continue;
            }

            await store.MarkPreparedAsync(mount, spec.AppId, spec.AppName, key, ct);
            LogPrepared(logger, spec.AppId, mount.Name, owner);
            await journal.RecordAsync(new AppEvent(spec.AppId, spec.ReleaseId, null, "PrepareVolume",
                $"volume {mount.Name} at {mount.MountPath} made writable for the user the app runs as ({user ?? "root"} = {owner})", EventJournal.Succeeded, null,
                time.GetElapsedTime(started)), ct);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "App {AppId}: volume {VolumeName} root owned by {Owner}")]
    private static partial void LogPrepared(ILogger logger, Guid appId, string volumeName, string owner);
}
