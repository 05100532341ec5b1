using System.Text.Json;
using System.Text.Json.Serialization;

namespace PersonalCloud.Reconciler.Backups;

/// <summary>One entry of a volume as the archive holds it: path relative to the volume's root ("." is the root itself).</summary>
public sealed record ManifestEntry(string Path, string Type, long Size, int Mode, int Uid, int Gid, string? Sha256, string? LinkTarget);

/// <summary>
/// What a backup holds, stored beside its archive as manifest.json: the app, volume and release it was taken of, the
/// archive's size and sha256 (of the stored, encrypted file), the tar stream's size and every entry with its checksum. Verification compares a
/// restored volume against <see cref="Entries"/>.
/// </summary>
public sealed record BackupManifest(
    int Format,
    Guid BackupId,
    Guid AppId,
    string AppName,
    Guid VolumeId,
    string VolumeName,
    Guid? ReleaseId,
    DateTimeOffset TakenAt,
    long ArchiveBytes,
    string ArchiveSha256,
    long DataBytes,
    long TarBytes,
    int FileCount,
    string Compression,
    string Encryption,
    IReadOnlyList<ManifestEntry> Entries);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true)]
[JsonSerializable(typeof(BackupManifest))]
public sealed partial class BackupManifestJson : JsonSerializerContext;
