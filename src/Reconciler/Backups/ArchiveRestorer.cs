using ZstdSharp;

namespace PersonalCloud.Reconciler.Backups;

/// <summary>
/// Restores a stored archive into a Docker volume and checks it: the archive's sha256 against the manifest while it is
/// read, then the volume read back (read-only helper) entry by entry against the manifest. Used by every backup's
/// verification (into a scratch volume) and by restores (into a new volume).
/// </summary>
public sealed class ArchiveRestorer(IVolumeArchives volumes, IBackupStore store, BackupKey key)
{
    /// <summary>Null when the volume now holds exactly what the manifest lists; else what differs, in words.</summary>
    public async Task<string?> RestoreAsync(BackupLocation from, BackupManifest manifest, string dockerVolume, TransferProgress progress, CancellationToken ct)
    {
        await using (var archive = await store.OpenArchiveAsync(from, ct))
        {
            var hashed = new TeeReadStream(archive, null);
            await using var decrypted = new DecryptingStream(hashed, key.Bytes);
            await using var tar = new DecompressionStream(decrypted, leaveOpen: true);
            var counted = new TeeReadStream(tar, null, progress);
            await volumes.WriteAsync(dockerVolume, counted, ct);
            // The engine stops reading at the tar's end marker: what is left must still be read for the archive's checksum.
            await counted.DrainAsync(ct);
            await hashed.DrainAsync(ct);
            if (hashed.Sha256() != manifest.ArchiveSha256 || hashed.BytesRead != manifest.ArchiveBytes)
                throw new BackupFailedException($"the stored archive ({hashed.BytesRead} bytes) does not match the sha256 its manifest records: it was changed or cut short");
        }

        await using var read = await volumes.ReadAsync(dockerVolume, ct);
        var restored = await TarInventory.ReadAsync(read.Stream, null, ct);
        return ManifestComparison.Difference(manifest.Entries, restored);
    }
}
