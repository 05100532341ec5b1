using System.Formats.Tar;
using System.IO.Compression;
using PersonalCloud.Contracts.Processes;
using PersonalCloud.Reconciler.Containers;

namespace PersonalCloud.Reconciler.Builds;

/// <summary>
/// Finds a build context's Procfile (at its root, like the Dockerfile) and parses it. A Procfile that cannot be used
/// fails the build with the line that is wrong; none is fine (the API's definitions and the image's CMD run).
/// </summary>
public static class ProcfileReader
{
    /// <summary>From an uploaded context (tar, or tar.gz as the API accepts it).</summary>
    public static async Task<Procfile?> FromArchiveAsync(byte[] archive, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(archive);
        await using var raw = new MemoryStream(archive, writable: false);
        await using Stream tar = archive.Length >= 2 && archive[0] == 0x1f && archive[1] == 0x8b ? new GZipStream(raw, CompressionMode.Decompress) : raw;
        await using var reader = new TarReader(tar);
        try
        {
            while (await reader.GetNextEntryAsync(copyData: false, ct) is { } entry)
            {
                if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile) || entry.Name.TrimStart('.', '/') != Procfile.FileName)
                    continue;
                if (entry.Length > Procfile.MaxBytes || entry.DataStream is null)
                    throw new ImageBuildFailedException($"the Procfile is larger than {Procfile.MaxBytes / 1024} KiB");
                using var text = new StreamReader(entry.DataStream);
                return Parse(await text.ReadToEndAsync(ct));
            }
        }
        catch (Exception e) when (e is InvalidDataException or FormatException)
        {
            // Not a tar the reader knows: the engine judges the context itself and says what is wrong with it.
            return null;
        }

        return null;
    }

    /// <summary>From a checked-out worktree.</summary>
    public static async Task<Procfile?> FromDirectoryAsync(string directory, CancellationToken ct)
    {
        var path = Path.Combine(directory, Procfile.FileName);
        var file = new FileInfo(path);
        if (!file.Exists || file.LinkTarget is not null)
            return null;
        if (file.Length > Procfile.MaxBytes)
            throw new ImageBuildFailedException($"the Procfile is larger than {Procfile.MaxBytes / 1024} KiB");
        return Parse(await File.ReadAllTextAsync(path, ct));
    }

    private static Procfile Parse(string text)
    {
        var (procfile, error) = Procfile.Parse(text);
        return procfile ?? throw new ImageBuildFailedException(error!);
    }
}
