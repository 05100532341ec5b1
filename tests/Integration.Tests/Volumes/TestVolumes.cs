using Docker.DotNet.Models;
using PersonalCloud.Contracts.Labels;
using PersonalCloud.Contracts.Volumes;
using PersonalCloud.Integration.Tests.Platform;
using PersonalCloud.Integration.Tests.Support;

namespace PersonalCloud.Integration.Tests.Platform.Volumes;

/// <summary>An app volume a test made: its id and the Docker volume that holds it.</summary>
public sealed record TestVolume(Guid Id, Guid AppId, string Name, string DockerVolume);

/// <summary>
/// App volumes for tests: made through the volumes API (then waited for until the reconciler has made the Docker volume).
/// Files go in and are read back through a short-lived busybox container (the hello test image), never through the code
/// under test.
/// </summary>
public static class TestVolumes
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(2);

    public static async Task<TestVolume> CreateAsync(PlatformFixture platform, Guid appId, string appName, string name)
    {
        var volumes = new VolumesApi(new PlatformApi(platform), platform);
        await volumes.AddAsync(appId, name, "/data");
        var id = (await volumes.ListAsync(appId)).Single(v => v.Name == name).Id;
        await volumes.WaitDockerVolumeAsync(id);
        return new TestVolume(id, appId, name, VolumeNames.DockerName(id));
    }

    /// <summary>Runs a shell script in a busybox container with the volume at /data; its output, or it throws.</summary>
    public static async Task<string> ShellAsync(PlatformFixture platform, string dockerVolume, string script, bool readOnly = false)
    {
        var image = await TestImages.BuildHelloAsync(platform.Docker, CancellationToken.None);
        var result = await CommandRun.RunAsync("docker",
            ["run", "--rm", "--network", "none", "--label", $"{ContainerLabels.Instance}={PlatformFixture.Instance}",
             "-v", $"{dockerVolume}:/data{(readOnly ? ":ro" : "")}", image, "sh", "-c", script], CommandTimeout);
        return result.ExitCode == 0 ? result.Output : throw new InvalidOperationException($"the script failed ({result.ExitCode}): {result.Output}");
    }

    /// <summary>Every entry under /data: type, mode, size and (files) sha256, one line each, sorted; measured with busybox.</summary>
    public static async Task<IReadOnlyList<string>> ListingAsync(PlatformFixture platform, string dockerVolume)
    {
        const string script = """
            cd /data && find . | sort | while IFS= read -r f; do
              if [ -L "$f" ]; then echo "link $f -> $(readlink "$f")";
              elif [ -f "$f" ]; then echo "file $f $(stat -c '%a %u:%g %s' "$f") $(sha256sum "$f" | cut -d' ' -f1)";
              elif [ "$f" != "." ]; then echo "dir $f $(stat -c '%a %u:%g' "$f")"; fi
            done
            """;
        var output = await ShellAsync(platform, dockerVolume, script, readOnly: true);
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    public static async Task<bool> ExistsAsync(PlatformFixture platform, string dockerVolume)
    {
        var listed = await platform.Docker.Volumes.ListAsync(new VolumesListParameters
        {
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["name"] = new Dictionary<string, bool> { [dockerVolume] = true } },
        });
        return listed.Volumes?.Any(v => v.Name == dockerVolume) == true;
    }

    /// <summary>Removes the volumes a test made (its own and restored ones), after any container using them.</summary>
    public static async Task RemoveAsync(PlatformFixture platform, params string[] dockerVolumes)
    {
        foreach (var volume in dockerVolumes)
        {
            // A backup's helper may hold it for a moment (scheduled backups): it is free again once that backup ends.
            await Eventually.UntilAsync(async () =>
            {
                try
                {
                    await platform.Docker.Volumes.RemoveAsync(volume, force: true);
                }
                catch (Docker.DotNet.DockerApiException e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound)
                {
                }

                return true;
            }, TimeSpan.FromSeconds(60), $"volume {volume} is removed");
        }
    }
}
