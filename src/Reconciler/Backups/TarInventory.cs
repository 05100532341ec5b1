using System.Formats.Tar;
using System.Security.Cryptography;

namespace PersonalCloud.Reconciler.Backups;

/// <summary>Running totals while a tar stream is read, for progress shown in the API.</summary>
public sealed class TransferProgress
{
    private long _bytes;
    private int _files;

    public long Bytes => Interlocked.Read(ref _bytes);

    public int Files => Volatile.Read(ref _files);

    public void Add(long bytes, int files)
    {
        Interlocked.Add(ref _bytes, bytes);
        Interlocked.Add(ref _files, files);
    }
}

/// <summary>Reads a tar stream entry by entry and lists each with its type, size, mode, owner and (files) sha256.</summary>
public static class TarInventory
{
    public static async Task<IReadOnlyList<ManifestEntry>> ReadAsync(Stream tar, TransferProgress? progress, CancellationToken ct)
    {
        var entries = new List<ManifestEntry>();
        var buffer = new byte[128 * 1024];
        await using var reader = new TarReader(tar, leaveOpen: true);
        while (await reader.GetNextEntryAsync(copyData: false, ct) is { } entry)
        {
            string? sha = null;
            long size = 0;
            if (entry.EntryType is TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile && entry.DataStream is { } data)
            {
                using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                int read;
                while ((read = await data.ReadAsync(buffer, ct)) > 0)
                {
                    hash.AppendData(buffer, 0, read);
                    size += read;
                    progress?.Add(read, 0);
                }

                sha = Convert.ToHexStringLower(hash.GetHashAndReset());
            }

            progress?.Add(0, 1);
            entries.Add(new ManifestEntry(Normalize(entry.Name), TypeName(entry.EntryType), size, (int)entry.Mode, entry.Uid, entry.Gid, sha,
                string.IsNullOrEmpty(entry.LinkName) ? null : Normalize(entry.LinkName)));
        }

        return entries;
    }

    /// <summary>"./a/b/" and "a/b" name the same entry.</summary>
    public static string Normalize(string name)
    {
        var trimmed = name.TrimEnd('/');
        if (trimmed.StartsWith("./", StringComparison.Ordinal))
            trimmed = trimmed[2..];
        return trimmed is "" or "." ? "." : trimmed;
    }

    private static string TypeName(TarEntryType type) => type switch
    {
        TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile => "file",
        TarEntryType.Directory => "dir",
        TarEntryType.SymbolicLink => "symlink",
        TarEntryType.HardLink => "hardlink",
        TarEntryType.Fifo => "fifo",
        TarEntryType.CharacterDevice => "char",
        TarEntryType.BlockDevice => "block",
        _ => type.ToString().ToLowerInvariant(),
    };
}
