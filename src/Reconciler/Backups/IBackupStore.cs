namespace PersonalCloud.Reconciler.Backups;

/// <summary>Where one backup's archive and manifest live in a store.</summary>
public sealed record BackupLocation(Guid AppId, Guid VolumeId, Guid BackupId);

/// <summary>An archive being written: nothing is visible in the store until <see cref="CommitAsync"/>; disposing without it discards it.</summary>
public interface IBackupWrite : IAsyncDisposable
{
    Stream Archive { get; }

    Task CommitAsync(BackupManifest manifest, CancellationToken ct);
}

/// <summary>
/// Where archives and manifests are kept: the local implementation writes under the data directory; an S3-compatible
/// target implements the same five operations (put as a multipart upload, commit as the manifest's put).
/// </summary>
public interface IBackupStore
{
    Task<IBackupWrite> BeginAsync(BackupLocation at, CancellationToken ct);

    Task<Stream> OpenArchiveAsync(BackupLocation at, CancellationToken ct);

    Task<BackupManifest?> ReadManifestAsync(BackupLocation at, CancellationToken ct);

    Task<IReadOnlyList<BackupLocation>> ListAsync(CancellationToken ct);

    Task DeleteAsync(BackupLocation at, CancellationToken ct);
}
