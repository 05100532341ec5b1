using ZstdSharp;

namespace PersonalCloud.Reconciler.Backups;

/// <summary>What a backup is taken of.</summary>
public sealed record BackupTarget(Guid BackupId, Guid AppId, string AppName, Guid VolumeId, string VolumeName, string DockerVolume, Guid? ReleaseId)
{
    public BackupLocation Location => new(AppId, VolumeId, BackupId);
}

/// <summary>
/// Takes a backup and proves it: the volume's tar stream (read-only helper) is listed with every file's sha256 while it is
/// compressed (zstd), encrypted (<see cref="ArchiveFormat"/>) and written to the store; then the stored archive is restored
/// into a scratch volume, read back and compared entry by entry (<see cref="ArchiveRestorer"/>). Only then does the caller
/// mark it verified; a backup that fails verification is deleted from the store. Failures throw; the caller records them.
/// </summary>
public sealed class BackupEngine(IVolumeArchives volumes, IBackupStore store, ArchiveRestorer restorer, BackupKey key, TimeProvider time)
{
    public async Task<BackupManifest> TakeAsync(BackupTarget target, TransferProgress progress, Func<Task> verifying, CancellationToken ct)
    {
        var manifest = await ArchiveAsync(target, progress, ct);
        await verifying();
        var scratch = BackupLabels.ScratchVolume(target.BackupId);
        try
        {
            await volumes.CreateAsync(scratch, new Dictionary<string, string> { [BackupLabels.Scratch] = target.BackupId.ToString("D") }, ct);
            var difference = await restorer.RestoreAsync(target.Location, manifest, scratch, new TransferProgress(), ct);
            if (difference is not null)
                throw new BackupFailedException($"verification failed: {difference}");
        }
        catch (Exception) when (!ct.IsCancellationRequested)
        {
            await store.DeleteAsync(target.Location, CancellationToken.None);
            throw;
        }
        finally
        {
            await volumes.RemoveAsync(scratch, CancellationToken.None);
        }

        return manifest;
    }

    private async Task<BackupManifest> ArchiveAsync(BackupTarget target, TransferProgress progress, CancellationToken ct)
    {
        var takenAt = time.GetUtcNow();
        await using var read = await volumes.ReadAsync(target.DockerVolume, ct);
        await using var write = await store.BeginAsync(target.Location, ct);
        var hashed = new HashingWriteStream(write.Archive);
        IReadOnlyList<ManifestEntry> entries;
        long tarBytes;
        await using (var encrypted = new EncryptingStream(hashed, key.Bytes))
        {
            await using (var compressed = new CompressionStream(encrypted, ArchiveFormat.CompressionLevel, leaveOpen: true))
            {
                var tee = new TeeReadStream(read.Stream, compressed);
                entries = await TarInventory.ReadAsync(tee, progress, ct);
                await tee.DrainAsync(ct);
                tarBytes = tee.BytesRead;
            }

            encrypted.Finish();
        }

        if (tarBytes == 0)
            throw new BackupFailedException($"the engine returned no data for the volume {target.DockerVolume}");
        var files = entries.Where(e => e.Type == "file").ToList();
        var manifest = new BackupManifest(1, target.BackupId, target.AppId, target.AppName, target.VolumeId, target.VolumeName, target.ReleaseId, takenAt,
            hashed.Written, hashed.Sha256(), files.Sum(f => f.Size), tarBytes, files.Count, $"zstd level {ArchiveFormat.CompressionLevel}",
            $"AES-256-GCM chunked (PCBKUP01), key {key.Id}", entries);
        await write.CommitAsync(manifest, ct);
        return manifest;
    }
}
