using System.Formats.Tar;
using System.IO.Compression;

namespace PersonalCloud.ControlPlane.Releases;

/// <summary>Reads and checks an uploaded build context: a gzip-compressed tar with a Dockerfile at its root.</summary>
public static class SourceArchive
{
    public const long MaxBytes = 64L * 1024 * 1024;

    public static readonly IReadOnlySet<string> ContentTypes = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "application/gzip", "application/x-gzip", "application/x-tar+gzip", "application/x-compressed-tar", "application/octet-stream",
    };

    /// <summary>The archive's bytes, or an error message for the caller. Over <see cref="MaxBytes"/>: 413, as the server's own body limit answers.</summary>
    public static async Task<(byte[]? Archive, string? Error)> ReadAsync(Stream body, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > MaxBytes)
                throw new BadHttpRequestException($"A build context is at most {MaxBytes / (1024 * 1024)} MB.", StatusCodes.Status413PayloadTooLarge);
            buffer.Write(chunk, 0, read);
        }

        var bytes = buffer.ToArray();
        return (bytes, Check(bytes));
    }

    /// <summary>Null when the bytes are a tar.gz holding a root Dockerfile; else why not.</summary>
    public static string? Check(byte[] bytes)
    {
        if (bytes.Length < 2 || bytes[0] != 0x1f || bytes[1] != 0x8b)
            return "The body is not gzip data: send a tar.gz build context.";
        try
        {
            using var gzip = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
            using var tar = new TarReader(gzip);
            while (tar.GetNextEntry() is { } entry)
            {
                var name = entry.Name.StartsWith("./", StringComparison.Ordinal) ? entry.Name[2..] : entry.Name;
                if (name == "Dockerfile" && entry.EntryType is TarEntryType.RegularFile or TarEntryType.V7RegularFile)
                    return null;
            }
        }
        catch (Exception e) when (e is InvalidDataException or FormatException or EndOfStreamException)
        {
            return "The body is not a valid tar.gz archive: " + e.Message;
        }

        return "The build context has no Dockerfile at its root.";
    }
}
