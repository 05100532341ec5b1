using System.Formats.Tar;

namespace PersonalCloud.Reconciler.Builds;

/// <summary>A checked-out worktree as a tar build context for the engine, without the repository's .git directory.</summary>
public static class BuildContextTar
{
    public static async Task WriteAsync(string directory, Stream destination, CancellationToken ct)
    {
        await using var writer = new TarWriter(destination, TarEntryFormat.Pax, leaveOpen: true);
        await WriteDirectoryAsync(writer, new DirectoryInfo(directory), "", ct);
    }

    private static async Task WriteDirectoryAsync(TarWriter writer, DirectoryInfo directory, string prefix, CancellationToken ct)
    {
        foreach (var entry in directory.EnumerateFileSystemInfos().OrderBy(e => e.Name, StringComparer.Ordinal))
        {
            if (prefix.Length == 0 && entry.Name == ".git")
                continue;
            var name = prefix + entry.Name;
            // Symbolic links go in as links (the engine keeps them inside the context); they are never followed here.
            await writer.WriteEntryAsync(entry.FullName, name, ct);
            if (entry is DirectoryInfo child && child.LinkTarget is null)
                await WriteDirectoryAsync(writer, child, name + "/", ct);
        }
    }
}
