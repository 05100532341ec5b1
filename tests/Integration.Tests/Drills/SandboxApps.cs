using System.Net.Http.Json;
using Docker.DotNet.Models;
using PersonalCloud.Contracts.Api;
using PersonalCloud.Integration.Tests.Platform;
using PersonalCloud.Integration.Tests.Support;

namespace PersonalCloud.Integration.Tests.Platform.Drills;

/// <summary>What the sandbox and status drills share: misbehaving images, a command run inside an app, its container and releases.</summary>
public static class SandboxApps
{
    public const string ReadOnlyLine = "Read-only file system";

    /// <summary>Writes next to its program at start, as many images do: on a read-only root the start fails with that line.</summary>
    private const string WritesToRootDockerfile = """
        FROM scratch
        COPY busybox /bin/busybox
        RUN ["/bin/busybox", "--install", "-s", "/bin"]
        EXPOSE 8080
        CMD ["sh", "-c", "mkdir -p /srv/www && echo up > /srv/www/index.html && exec httpd -f -p 8080 -h /srv/www"]
        """;

    /// <summary>Reads /dev/zero into memory for ever (busybox tail keeps everything until a newline): the memory limit kills it.</summary>
    private const string AllocatorDockerfile = """
        FROM scratch
        COPY busybox /bin/busybox
        RUN ["/bin/busybox", "--install", "-s", "/bin"]
        EXPOSE 8080
        CMD ["sh", "-c", "echo allocating; exec tail /dev/zero"]
        """;

    /// <summary>Never answers /cgi-bin/slow (the CGI sleeps): a health check on that path holds a reconcile pass for its whole timeout.</summary>
    private const string SlowHealthDockerfile = """
        FROM scratch
        COPY busybox /bin/busybox
        RUN ["/bin/busybox", "--install", "-s", "/bin"]
        COPY slow /www/cgi-bin/slow
        EXPOSE 8080
        CMD ["httpd", "-f", "-p", "8080", "-h", "/www"]
        """;

    public static Task<string> BuildSlowHealthAsync(PlatformFixture platform)
    {
        var files = new Dictionary<string, byte[]>(TestImages.BusyboxFiles()) { ["slow"] = System.Text.Encoding.UTF8.GetBytes("#!/bin/sh\nsleep 3600\n") };
        return TestImages.BuildAsync(platform.Docker, TestImages.ContentTag("pcloud-test/slow-health", SlowHealthDockerfile, files), SlowHealthDockerfile, files, CancellationToken.None);
    }

    public static Task<string> BuildWritesToRootAsync(PlatformFixture platform) => BuildAsync(platform, "pcloud-test/writes-root", WritesToRootDockerfile);

    public static Task<string> BuildAllocatorAsync(PlatformFixture platform) => BuildAsync(platform, "pcloud-test/allocator", AllocatorDockerfile);

    /// <summary>Runs a shell command inside the app's container as the container's own user; stdout and stderr together.</summary>
    public static async Task<string> ShAsync(PlatformFixture platform, string containerId, string script)
    {
        var exec = await platform.Docker.Exec.CreateContainerExecAsync(
            containerId, new ContainerExecCreateParameters { Cmd = ["sh", "-c", script], AttachStdout = true, AttachStderr = true });
        using var stream = await platform.Docker.Exec.StartContainerExecAsync(exec.ID, new ContainerExecStartParameters());
        using var timeout = new CancellationTokenSource(PlatformApi.ConvergeTimeout);
        var (stdout, stderr) = await stream.ReadOutputToEndAsync(timeout.Token);
        return stdout + stderr;
    }

    /// <summary>Creates an app from raw JSON (fields older contracts may not have) and returns it.</summary>
    public static async Task<AppResponse> CreateAsync(PlatformApi api, object request)
    {
        var response = await api.Http.PostAsJsonAsync("/api/apps", request);
        response.StatusCode.Should().Be(System.Net.HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<AppResponse>(new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web)))!;
    }

    /// <summary>Waits until the app has exactly one running container and returns it.</summary>
    public static async Task<ContainerListResponse> RunningContainerAsync(PlatformFixture platform, PlatformApi api, Guid appId)
    {
        ContainerListResponse? running = null;
        await Eventually.UntilAsync(async () =>
        {
            var app = await api.GetAppAsync(appId);
            var containers = await PlatformDocker.RunningContainersAsync(platform, appId);
            running = containers.Count == 1 ? containers[0] : null;
            return running is not null && app?.Status == Contracts.Apps.AppStatus.Running;
        }, PlatformApi.ConvergeTimeout, $"app {appId} runs one container");
        return running!;
    }

    public static async Task<ReleaseResponse> WaitForReleaseAsync(PlatformApi api, Guid appId, string status)
    {
        ReleaseResponse? release = null;
        await Eventually.UntilAsync(async () =>
        {
            release = (await api.GetAsync<IReadOnlyList<ReleaseResponse>>($"/api/apps/{appId}/releases")).FirstOrDefault();
            return release?.Status == status;
        }, PlatformApi.ConvergeTimeout, () => $"the app's release becomes {status} (last: {release?.Status}, reason: {release?.FailureReason})");
        return release!;
    }

    public static async Task DeleteAsync(PlatformApi api, Guid appId) => await api.Http.DeleteAsync($"/api/apps/{appId}");

    private static Task<string> BuildAsync(PlatformFixture platform, string repository, string dockerfile)
    {
        var files = TestImages.BusyboxFiles();
        return TestImages.BuildAsync(platform.Docker, TestImages.ContentTag(repository, dockerfile, files), dockerfile, files, CancellationToken.None);
    }
}
