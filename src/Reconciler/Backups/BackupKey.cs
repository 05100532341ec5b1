using System.Security.Cryptography;

namespace PersonalCloud.Reconciler.Backups;

/// <summary>
/// The 32-byte key that encrypts backup archives. It lives outside Postgres and outside the backups directory:
/// PCLOUD_BACKUP_KEY (base64), or a 0600 file (default &lt;data dir&gt;/backup.key) created at first start. Without it no
/// archive can be opened: it must be saved off the host (docs/operations.md).
/// </summary>
public sealed class BackupKey
{
    private BackupKey(byte[] bytes) => Bytes = bytes;

    public byte[] Bytes { get; }

    /// <summary>Short fingerprint written into each manifest, so it is clear which key an archive needs.</summary>
    public string Id => Convert.ToHexStringLower(SHA256.HashData(Bytes))[..8];

    public static BackupKey Load(string? base64, string filePath)
    {
        if (!string.IsNullOrWhiteSpace(base64))
            return FromBase64(base64, "PCLOUD_BACKUP_KEY");
        if (!File.Exists(filePath))
            TryCreate(filePath);
        return FromBase64(File.ReadAllText(filePath), filePath);
    }

    private static BackupKey FromBase64(string text, string source)
    {
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(text.Trim());
        }
        catch (FormatException)
        {
            throw new InvalidOperationException($"The backup key in {source} is not base64.");
        }

        return bytes.Length == ArchiveFormat.KeySize
            ? new BackupKey(bytes)
            : throw new InvalidOperationException($"The backup key in {source} is {bytes.Length} bytes; it must be {ArchiveFormat.KeySize} (e.g. `head -c 32 /dev/urandom | base64`).");
    }

    private static void TryCreate(string filePath)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(filePath))!);
        try
        {
            using var stream = new FileStream(filePath, new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
            });
            using var writer = new StreamWriter(stream);
            writer.Write(Convert.ToBase64String(RandomNumberGenerator.GetBytes(ArchiveFormat.KeySize)));
            writer.Flush();
            stream.Flush(flushToDisk: true);
        }
        catch (IOException) when (File.Exists(filePath))
        {
            // Another process created it first: read theirs.
        }
    }
}
