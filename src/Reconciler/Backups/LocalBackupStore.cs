using System.Text.Json;

namespace PersonalCloud.Reconciler.Backups;

/// <summary>
/// <see cref="IBackupStore"/> on the local disk: &lt;root&gt;/&lt;app id&gt;/&lt;volume id&gt;/&lt;backup id&gt;.pcbk and
/// .manifest.json. Each file is written to a temporary name, flushed to disk and renamed, so a crash never leaves a
/// half-written archive under its real name; the manifest is renamed last, so a listed backup always has its archive.
/// </summary>
public sealed class LocalBackupStore(string root) : IBackupStore
{
    public const string ArchiveSuffix = ".pcbk";
    public const string ManifestSuffix = ".manifest.json";
    private const string TempSuffix = ".tmp";

    public string Root => root;

    public Task<IBackupWrite> BeginAsync(BackupLocation at, CancellationToken ct)
    {
        var dir = Directory.CreateDirectory(DirectoryOf(at)).FullName;
        var path = Path.Combine(dir, at.BackupId.ToString("D") + ArchiveSuffix);
        var stream = new FileStream(path + TempSuffix, new FileStreamOptions
        {
            Mode = FileMode.Create,
            Access = FileAccess.Write,
            BufferSize = 1 << 20,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        });
        return Task.FromResult<IBackupWrite>(new LocalWrite(path, Path.Combine(dir, at.BackupId.ToString("D") + ManifestSuffix), stream));
    }

    public Task<Stream> OpenArchiveAsync(BackupLocation at, CancellationToken ct) =>
        Task.FromResult<Stream>(new FileStream(ArchivePath(at), FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20));

    public async Task<BackupManifest?> ReadManifestAsync(BackupLocation at, CancellationToken ct)
    {
        var path = Path.Combine(DirectoryOf(at), at.BackupId.ToString("D") + ManifestSuffix);
        if (!File.Exists(path))
            return null;
        await using var stream = File.OpenRead(path);
        return await JsonSerializer.DeserializeAsync(stream, BackupManifestJson.Default.BackupManifest, ct);
    }

    public Task<IReadOnlyList<BackupLocation>> ListAsync(CancellationToken ct)
    {
        var found = new List<BackupLocation>();
        if (Directory.Exists(root))
        {
            foreach (var manifest in Directory.EnumerateFiles(root, "*" + ManifestSuffix, SearchOption.AllDirectories))
            {
                var volumeDir = Path.GetDirectoryName(manifest)!;
                if (Guid.TryParse(Path.GetFileName(manifest)[..^ManifestSuffix.Length], out var backup) &&
                    Guid.TryParse(Path.GetFileName(volumeDir), out var volume) &&
                    Guid.TryParse(Path.GetFileName(Path.GetDirectoryName(volumeDir)), out var app))
                    found.Add(new BackupLocation(app, volume, backup));
            }
        }

        return Task.FromResult<IReadOnlyList<BackupLocation>>(found);
    }

    public Task DeleteAsync(BackupLocation at, CancellationToken ct)
    {
        // The manifest first: an archive without one is not listed, and is removed by the next delete.
        var dir = DirectoryOf(at);
        foreach (var suffix in new[] { ManifestSuffix, ArchiveSuffix, ArchiveSuffix + TempSuffix, ManifestSuffix + TempSuffix })
            File.Delete(Path.Combine(dir, at.BackupId.ToString("D") + suffix));
        return Task.CompletedTask;
    }

    public string ArchivePath(BackupLocation at) => Path.Combine(DirectoryOf(at), at.BackupId.ToString("D") + ArchiveSuffix);

    private string DirectoryOf(BackupLocation at) => Path.Combine(root, at.AppId.ToString("D"), at.VolumeId.ToString("D"));

    private sealed class LocalWrite(string archivePath, string manifestPath, FileStream stream) : IBackupWrite
    {
        private bool _committed;

        public Stream Archive => stream;

        public async Task CommitAsync(BackupManifest manifest, CancellationToken ct)
        {
            await stream.FlushAsync(ct);
            stream.Flush(flushToDisk: true);
            await stream.DisposeAsync();
            File.Move(archivePath + TempSuffix, archivePath, overwrite: true);
            await using (var file = new FileStream(manifestPath + TempSuffix, new FileStreamOptions
                         {
                             Mode = FileMode.Create, Access = FileAccess.Write,
                             UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
                         }))
            {
                await JsonSerializer.SerializeAsync(file, manifest, BackupManifestJson.Default.BackupManifest, ct);
                file.Flush(flushToDisk: true);
            }

            File.Move(manifestPath + TempSuffix, manifestPath, overwrite: true);
            _committed = true;
        }

        public async ValueTask DisposeAsync()
        {
            try
            {
                await stream.DisposeAsync();
            }
            catch (IOException) when (!_committed)
            {
                // The write already failed (a full disk fails the final flush too): the temporary file is discarded below.
            }

            if (!_committed)
                File.Delete(archivePath + TempSuffix);
        }
    }
}
