using Docker.DotNet.Models;
using PersonalCloud.Integration.Tests.Support;

namespace PersonalCloud.Integration.Tests.Platform;

/// <summary>
/// A build context whose RUN step prints a line, then waits until the test lets it go (a file appears in the engine's
/// build container), so a test can look at a build while it runs without guessing how long it takes. The step gives up
/// on its own after five minutes, so a failed test never holds a build worker for long. The lines it prints are split by
/// quotes in the Dockerfile, so the engine's echo of the step ("Step 4/7 : RUN ...") never contains them.
/// </summary>
public sealed class BlockingBuild
{
    private readonly string _token = Guid.NewGuid().ToString("N")[..12];

    public string StartedLine => $"build-step-started-{_token}";

    public string ReleasedLine => $"build-step-released-{_token}";

    public string ServedBody => $"served-{_token}";

    private string GoFile => $"/go-{_token}";

    public string Dockerfile => $$"""
        FROM scratch
        COPY busybox /bin/busybox
        RUN ["/bin/busybox", "--install", "-s", "/bin"]
        RUN echo "build-step-""started-{{_token}}" && i=0 && while [ ! -e {{GoFile}} ] && [ $i -lt 3000 ]; do sleep 0.1; i=$((i+1)); done && echo "build-step-""released-{{_token}}"
        EXPOSE 8080
        CMD ["sh", "-c", "mkdir -p /tmp/www && echo {{ServedBody}} > /tmp/www/index.html && exec httpd -f -p 8080 -h /tmp/www"]
        """;

    public byte[] Archive() => SourceContexts.TarGz(SourceContexts.WithBusybox(Dockerfile));

    /// <summary>Lets the waiting step finish: creates the file it waits for inside the build container running it.</summary>
    public async Task ReleaseAsync(PlatformFixture platform)
    {
        string? container = null;
        await Eventually.UntilAsync(async () =>
        {
            var running = await platform.Docker.Containers.ListContainersAsync(new ContainersListParameters());
            container = running.FirstOrDefault(c => c.Command.Contains(GoFile, StringComparison.Ordinal))?.ID;
            return container is not null;
        }, PlatformApi.ConvergeTimeout, "the build container running the waiting step is found");
        var exec = await platform.Docker.Exec.CreateContainerExecAsync(container!,
            new ContainerExecCreateParameters { Cmd = ["/bin/touch", GoFile], AttachStdout = true, AttachStderr = true });
        using var stream = await platform.Docker.Exec.StartContainerExecAsync(exec.ID, new ContainerExecStartParameters());
        using var timeout = new CancellationTokenSource(PlatformApi.ConvergeTimeout);
        var (stdout, stderr) = await stream.ReadOutputToEndAsync(timeout.Token);
        (stdout + stderr).Should().BeEmpty("touch says nothing when it works");
    }
}
