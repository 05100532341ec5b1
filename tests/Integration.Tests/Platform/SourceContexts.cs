using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using PersonalCloud.Integration.Tests.Support;

namespace PersonalCloud.Integration.Tests.Platform;

/// <summary>Build contexts for source deploys, made in the test: tar.gz archives in memory, and git repositories on disk.</summary>
public static class SourceContexts
{
    /// <summary>busybox httpd on 8080 answering <paramref name="body"/> (served from /tmp, so it runs on a read-only root).</summary>
    public static string ServingDockerfile(string body) => $$"""
        FROM scratch
        COPY busybox /bin/busybox
        RUN ["/bin/busybox", "--install", "-s", "/bin"]
        EXPOSE 8080
        CMD ["sh", "-c", "mkdir -p /tmp/www && echo {{body}} > /tmp/www/index.html && exec httpd -f -p 8080 -h /tmp/www"]
        """;

    public static byte[] TarGz(IReadOnlyDictionary<string, byte[]> files)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        using (var writer = new TarWriter(gzip, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var (name, content) in files)
            {
                writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name)
                {
                    Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead
                           | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute,
                    DataStream = new MemoryStream(content, writable: false),
                });
            }
        }

        return output.ToArray();
    }

    /// <summary>A Dockerfile plus the static busybox it copies.</summary>
    public static Dictionary<string, byte[]> WithBusybox(string dockerfile) => new(TestImages.BusyboxFiles())
    {
        ["Dockerfile"] = Encoding.UTF8.GetBytes(dockerfile),
    };

    /// <summary>Writes the files and commits them on branch main; returns the new commit's id.</summary>
    public static async Task<string> CommitAsync(string repository, IReadOnlyDictionary<string, byte[]> files, string message)
    {
        if (!Directory.Exists(Path.Combine(repository, ".git")))
            await GitAsync(repository, "init", "--quiet", "--initial-branch=main");
        foreach (var (name, content) in files)
        {
            var path = Path.Combine(repository, name);
            await File.WriteAllBytesAsync(path, content);
            // As in the archives: git records the executable bit, and the Dockerfile runs the copied busybox.
            File.SetUnixFileMode(path, (UnixFileMode)0b111_101_101);
        }
        await GitAsync(repository, "add", "--all");
        await GitAsync(repository, "-c", "user.name=test", "-c", "user.email=test@example.invalid", "commit", "--quiet", "-m", message);
        return (await GitAsync(repository, "rev-parse", "HEAD")).Trim();
    }

    private static async Task<string> GitAsync(string repository, params string[] arguments)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = repository, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(1));
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"git {string.Join(' ', arguments)} failed: {await stderr}");
        return await stdout;
    }
}
