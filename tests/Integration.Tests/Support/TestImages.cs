using System.Formats.Tar;
using System.Security.Cryptography;
using System.Text;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace PersonalCloud.Integration.Tests.Support;

/// <summary>
/// Builds test images FROM scratch through the engine API, since no registry is reachable: the build context
/// (Dockerfile plus Debian's static busybox) is a tar made in memory. Tags carry a hash of the content, so a
/// repeated run reuses the image instead of rebuilding it.
/// </summary>
public static class TestImages
{
    /// <summary>Every image built here carries it, so a fixture can remove them all.</summary>
    public const string TestLabel = "io.personalcloud.test";

    public const string BusyboxPath = "/bin/busybox";
    public const int HelloPort = 8080;
    public const string HelloStartedLine = "hello-app started";

    /// <summary>busybox httpd on 8080 serving "greeting=$GREETING" (from /tmp, so it also runs on a read-only root); logs requests to stderr.</summary>
    public const string HelloDockerfile = """
        FROM scratch
        COPY busybox /bin/busybox
        RUN ["/bin/busybox", "--install", "-s", "/bin"]
        EXPOSE 8080
        CMD ["sh", "-c", "echo hello-app started; mkdir -p /tmp/www && echo \"greeting=$GREETING\" > /tmp/www/index.html && exec httpd -f -v -p 8080 -h /tmp/www"]
        """;

    /// <summary>Builds (or reuses) the hello image and returns its tag.</summary>
    public static Task<string> BuildHelloAsync(IDockerClient client, CancellationToken cancellationToken)
    {
        var files = BusyboxFiles();
        return BuildAsync(client, ContentTag("pcloud-test/hello", HelloDockerfile, files), HelloDockerfile, files, cancellationToken);
    }

    /// <summary>The files every FROM-scratch test image starts from: a static busybox.</summary>
    public static IReadOnlyDictionary<string, byte[]> BusyboxFiles()
    {
        if (!File.Exists(BusyboxPath))
        {
            throw new InvalidOperationException(
                $"{BusyboxPath} is missing: install Debian's static busybox with `apt-get install -y busybox-static`.");
        }

        return new Dictionary<string, byte[]> { ["busybox"] = File.ReadAllBytes(BusyboxPath) };
    }

    /// <summary>"repository:&lt;first 12 hex of sha256(dockerfile, files)&gt;".</summary>
    public static string ContentTag(string repository, string dockerfile, IReadOnlyDictionary<string, byte[]> files)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes(dockerfile));
        foreach (var (name, content) in files.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            hash.AppendData(Encoding.UTF8.GetBytes($"\0{name}\0{content.Length}\0"));
            hash.AppendData(content);
        }

        return $"{repository}:{Convert.ToHexStringLower(hash.GetHashAndReset())[..12]}";
    }

    /// <summary>Builds <paramref name="tag"/> from a Dockerfile and context files unless the engine already has it; returns the tag.</summary>
    public static async Task<string> BuildAsync(
        IDockerClient client,
        string tag,
        string dockerfile,
        IReadOnlyDictionary<string, byte[]> files,
        CancellationToken cancellationToken)
    {
        if (await ExistsAsync(client, tag, cancellationToken))
        {
            return tag;
        }

        using var context = CreateContext(dockerfile, files);
        var errors = new List<string>();
        var output = new StringBuilder();
        await client.Images.BuildImageFromDockerfileAsync(
            new ImageBuildParameters
            {
                Tags = [tag],
                Labels = new Dictionary<string, string> { [TestLabel] = "true" },
                Remove = true,
                ForceRemove = true,
            },
            context,
            authConfigs: null,
            headers: null,
            new InlineProgress(message =>
            {
                output.Append(message.Stream);
                if (message.Error?.Message is { } error)
                {
                    errors.Add(error);
                }
            }),
            cancellationToken);

        if (errors.Count > 0 || !await ExistsAsync(client, tag, cancellationToken))
        {
            throw new InvalidOperationException($"Building {tag} failed: {string.Join("; ", errors)}\n{output}");
        }

        return tag;
    }

    private static MemoryStream CreateContext(string dockerfile, IReadOnlyDictionary<string, byte[]> files)
    {
        var tar = new MemoryStream();
        using (var writer = new TarWriter(tar, TarEntryFormat.Pax, leaveOpen: true))
        {
            AddFile(writer, "Dockerfile", Encoding.UTF8.GetBytes(dockerfile), executable: false);
            foreach (var (name, content) in files)
            {
                AddFile(writer, name, content, executable: true);
            }
        }

        tar.Position = 0;
        return tar;
    }

    private static void AddFile(TarWriter writer, string name, byte[] content, bool executable)
    {
        var entry = new PaxTarEntry(TarEntryType.RegularFile, name)
        {
            Mode = executable
                ? UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                  | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute
                : UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
            DataStream = new MemoryStream(content, writable: false),
        };
        writer.WriteEntry(entry);
    }

    private static async Task<bool> ExistsAsync(IDockerClient client, string tag, CancellationToken cancellationToken)
    {
        try
        {
            await client.Images.InspectImageAsync(tag, cancellationToken);
            return true;
        }
        catch (DockerImageNotFoundException)
        {
            return false;
        }
    }

    private sealed class InlineProgress(Action<JSONMessage> report) : IProgress<JSONMessage>
    {
        public void Report(JSONMessage value) => report(value);
    }
}
