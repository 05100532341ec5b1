using System.Diagnostics;
using System.Net;
using Docker.DotNet.Models;
using PersonalCloud.Contracts.Apps;
using PersonalCloud.Integration.Tests.Support;

namespace PersonalCloud.Integration.Tests.Platform;

[Category("Integration")]
public sealed class AppLifecycleTests : PlatformTest
{
    [Test]
    public async Task Deploy_WithEnvVar_ServesItThroughCaddyAtTheGeneratedHostname()
    {
        var app = await Api.CreateAppAsync(PlatformApi.UniqueName("hello"));
        var greeting = "hi-" + Guid.NewGuid().ToString("N")[..8];
        await Api.SetEnvAsync(app.Id, new Dictionary<string, string?> { ["GREETING"] = greeting });

        var started = Stopwatch.GetTimestamp();
        var deploy = await Api.DeployAsync(app.Id, Platform.HelloImage);
        (HttpStatusCode Status, string Body) answer = default;
        await Eventually.UntilAsync(async () =>
        {
            answer = await Api.GetThroughProxyAsync(app.GeneratedHostname);
            return answer.Status == HttpStatusCode.OK;
        }, PlatformApi.ConvergeTimeout, "the app answers 200 through Caddy");
        TestContext.Progress.WriteLine($"deploy -> first 200 through Caddy: {Stopwatch.GetElapsedTime(started).TotalMilliseconds:0} ms");

        answer.Body.Should().Contain($"greeting={greeting}");
        var converged = await Api.WaitForAsync(app.Id, deploy.Generation, AppStatus.Running);
        converged.CurrentRelease!.Id.Should().Be(deploy.Release!.Id);
        converged.CurrentRelease.Status.Should().Be(ReleaseStatus.Active);
        converged.CurrentRelease.ImageDigest.Should().StartWith("sha256:");
        converged.CurrentRelease.Port.Should().Be(TestImages.HelloPort, "the image exposes only 8080");
        converged.LastDeployedAt.Should().NotBeNull();
        converged.GeneratedHostname.Should().Be($"{app.Name}.{PlatformFixture.BaseDomain}");
    }

    [Test]
    public async Task Restart_ReplacesTheContainer_AndTheAppKeepsAnswering()
    {
        var app = await Api.CreateAppAsync(PlatformApi.UniqueName("restart"));
        var deploy = await Api.DeployAsync(app.Id, Platform.HelloImage);
        await Api.WaitForAsync(app.Id, deploy.Generation, AppStatus.Running);
        var before = (await RunningContainersAsync(app.Id)).Single().ID;

        using var stop = new CancellationTokenSource();
        var prober = ProbeContinuouslyAsync(app.GeneratedHostname, stop.Token);
        var restart = await Api.RestartAsync(app.Id);
        var after = await Api.WaitForAsync(app.Id, restart.Generation, AppStatus.Running);
        await Eventually.UntilAsync(async () => (await RunningContainersAsync(app.Id)).Count == 1, PlatformApi.ConvergeTimeout, "the old container is removed");
        await stop.CancelAsync();
        var (ok, failed) = await prober;

        (await RunningContainersAsync(app.Id)).Single().ID.Should().NotBe(before);
        after.RestartCount.Should().Be(1);
        ok.Should().BeGreaterThan(0);
        failed.Should().Be(0, "the old container serves until the new one is healthy and routed");
        (await Api.GetThroughProxyAsync(app.GeneratedHostname)).Status.Should().Be(HttpStatusCode.OK);
    }

    [Test]
    public async Task Delete_RemovesContainersNetworkAndRoute()
    {
        var app = await Api.CreateAppAsync(PlatformApi.UniqueName("delete"), Platform.HelloImage);
        await Eventually.UntilAsync(async () => (await Api.GetThroughProxyAsync(app.GeneratedHostname)).Status == HttpStatusCode.OK,
            PlatformApi.ConvergeTimeout, "the app created with an image deploys right away");

        (await Api.Http.DeleteAsync($"/api/apps/{app.Id}")).StatusCode.Should().Be(HttpStatusCode.Accepted);

        await Eventually.UntilAsync(async () => (await AllContainersAsync(app.Id)).Count == 0, PlatformApi.ConvergeTimeout, "containers are removed");
        await Eventually.UntilAsync(async () => (await NetworksAsync(app.Id)).Count == 0, PlatformApi.ConvergeTimeout, "the network is removed");
        await Eventually.UntilAsync(async () => (await Api.GetThroughProxyAsync(app.GeneratedHostname)).Status == HttpStatusCode.NotFound,
            PlatformApi.ConvergeTimeout, "the route is removed and the catch-all answers 404");
        (await Api.GetAppAsync(app.Id)).Should().BeNull();
    }

    [Test]
    public async Task Logs_ReturnWhatTheContainerPrinted()
    {
        var app = await Api.CreateAppAsync(PlatformApi.UniqueName("logs"), Platform.HelloImage);
        await Eventually.UntilAsync(async () => (await Api.GetThroughProxyAsync(app.GeneratedHostname, "/?marker=1")).Status == HttpStatusCode.OK,
            PlatformApi.ConvergeTimeout, "the app serves");

        IReadOnlyList<Contracts.Api.LogLineResponse> lines = [];
        await Eventually.UntilAsync(async () =>
        {
            lines = await Api.GetAsync<IReadOnlyList<Contracts.Api.LogLineResponse>>($"/api/apps/{app.Id}/logs?limit=50");
            return lines.Any(l => l.Message.Contains(TestImages.HelloStartedLine, StringComparison.Ordinal));
        }, PlatformApi.ConvergeTimeout, "the start line is collected");

        var started = lines.First(l => l.Message.Contains(TestImages.HelloStartedLine, StringComparison.Ordinal));
        started.Stream.Should().Be("stdout");
        started.Timestamp.Should().BeAfter(DateTimeOffset.UtcNow.AddMinutes(-10));
        started.ReleaseId.Should().NotBeNull();
    }

    [Test]
    public async Task Deploy_OfAnImageThatCannotBePulled_FailsTheReleaseWithAReason()
    {
        var app = await Api.CreateAppAsync(PlatformApi.UniqueName("nopull"));
        var deploy = await Api.DeployAsync(app.Id, "pcloud-test/does-not-exist:1");

        var failed = await Api.WaitForAsync(app.Id, deploy.Generation, AppStatus.Failed);
        failed.LastError.Should().Contain("pcloud-test/does-not-exist:1");
        var releases = await Api.GetAsync<IReadOnlyList<Contracts.Api.ReleaseResponse>>($"/api/apps/{app.Id}/releases");
        releases.Single().Status.Should().Be(ReleaseStatus.Failed);
        releases.Single().FailureReason.Should().Contain("could not be pulled");
    }

    [Test]
    public async Task HealthChecks_AreRecordedForARunningApp()
    {
        var app = await Api.CreateAppAsync(PlatformApi.UniqueName("health"), Platform.HelloImage);
        Contracts.Api.HealthResponse health = null!;
        await Eventually.UntilAsync(async () =>
        {
            health = await Api.GetAsync<Contracts.Api.HealthResponse>($"/api/apps/{app.Id}/health");
            return health.History.Count > 0 && health.LastStatus == "healthy";
        }, PlatformApi.ConvergeTimeout, "a healthy check is recorded");

        health!.Path.Should().Be("/");
        health.History[0].HttpStatus.Should().Be(200);
        health.LastCheckedAt.Should().NotBeNull();
    }

    [Test]
    public async Task AppContainer_RunsIsolatedAndLimited()
    {
        var app = await Api.CreateAppAsync(PlatformApi.UniqueName("hardened"), Platform.HelloImage);
        await Eventually.UntilAsync(async () => (await RunningContainersAsync(app.Id)).Count == 1, PlatformApi.ConvergeTimeout, "a container runs");
        var inspect = await Platform.Docker.Containers.InspectContainerAsync((await RunningContainersAsync(app.Id)).Single().ID);

        inspect.HostConfig!.Privileged.Should().BeFalse();
        inspect.HostConfig.CapAdd.Should().BeNullOrEmpty();
        inspect.HostConfig.CapDrop.Should().Contain(["NET_RAW", "SYS_CHROOT", "MKNOD"]);
        inspect.HostConfig.SecurityOpt.Should().Contain(o => o.StartsWith("no-new-privileges", StringComparison.Ordinal));
        inspect.HostConfig.Binds.Should().BeNullOrEmpty();
        inspect.Mounts.Should().BeEmpty();
        inspect.HostConfig.PortBindings.Should().BeNullOrEmpty();
        inspect.HostConfig.Memory.Should().Be(256L * 1024 * 1024);
        inspect.HostConfig.PidsLimit.Should().Be(256);
        inspect.HostConfig.NanoCPUs.Should().Be(500_000_000);
        inspect.NetworkSettings!.Networks.Keys.Should().BeEquivalentTo([$"pcloud-app-{app.Id:N}"]);
    }

    private async Task<(int Ok, int Failed)> ProbeContinuouslyAsync(string hostname, CancellationToken stop)
    {
        int ok = 0, failed = 0;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                var (status, _) = await Api.GetThroughProxyAsync(hostname);
                if (status == HttpStatusCode.OK)
                    ok++;
                else
                    failed++;
            }
            catch (HttpRequestException)
            {
                failed++;
            }
        }

        return (ok, failed);
    }

    private Task<IList<ContainerListResponse>> RunningContainersAsync(Guid appId) => PlatformDocker.RunningContainersAsync(Platform, appId);

    private Task<IList<ContainerListResponse>> AllContainersAsync(Guid appId) => PlatformDocker.AllContainersAsync(Platform, appId);

    private Task<IList<NetworkResponse>> NetworksAsync(Guid appId) => PlatformDocker.NetworksAsync(Platform, appId);
}
