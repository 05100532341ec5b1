using System.Net;
using System.Net.Sockets;
using System.Text;
using Docker.DotNet.Models;
using PersonalCloud.Integration.Tests.Support;
using PersonalCloud.Contracts.Api;
using PersonalCloud.Contracts.Apps;
using PersonalCloud.Contracts.Labels;

// Under Platform: the platform fixture (a namespace-scoped SetUpFixture) starts for these too.
namespace PersonalCloud.Integration.Tests.Platform.Drills;

/// <summary>Issue 9, items 7 and 12: builds run bounded and isolated, on their own queue.</summary>
[Category("Integration")]
// Alone: its slow builds hold the shared build queue longer than other tests wait for theirs.
[NonParallelizable]
public sealed class BuildDrills : PlatformTest
{
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromSeconds(180);
    private readonly List<Guid> _apps = [];
    private readonly List<string> _containers = [];

    private BuildDrillSupport Builds => new(Platform, Api);

    [TearDown]
    public async Task TearDown()
    {
        foreach (var container in _containers)
            await Platform.Docker.Containers.RemoveContainerAsync(container, new ContainerRemoveParameters { Force = true });
        _containers.Clear();
        foreach (var appId in _apps)
            await Builds.RemoveAppAndImagesAsync(appId);
        _apps.Clear();
    }

    [Test]
    public async Task BuildStep_RunsUnderMemoryCpuAndProcessLimits_AndAForkBombFailsTheBuildSayingWhy()
    {
        var app = await CreateAppAsync("drillbuildlimits");
        var deploy = await Builds.DeployAsync(app.Id, BuildDrillSupport.Dockerfile(
            "echo memory=$(cat /sys/fs/cgroup/memory/memory.limit_in_bytes) cpuquota=$(cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us)",
            // More processes than all builds together may have (PCLOUD_BUILD_PIDS, 512): each one lives 30 s at most.
            "i=0; while [ $i -lt 1000 ]; do sleep 30 & i=$((i+1)); done; echo spawned-all"));

        var log = await Builds.FinishedBuildLogAsync(app.Id, deploy.Release!.Id, BuildTimeout);

        var lines = Lines(log);
        lines.Should().Contain("memory=1073741824 cpuquota=100000", "a RUN step gets 1 GiB and one CPU by default");
        log.Should().Contain("can't fork");
        lines.Should().NotContain("spawned-all");
        // The build log is kept before the build queue fails the release: wait for that write too.
        ReleaseResponse release = null!;
        await Eventually.UntilAsync(async () => (release = await Builds.ReleaseAsync(app.Id, deploy.Release.Id)).Status == ReleaseStatus.Failed,
            BuildTimeout, () => $"the release fails (now {release?.Status})");
        release.FailureReason.Should().Contain("at most 512 processes").And.Contain("PCLOUD_BUILD_PIDS");
    }

    [Test]
    public async Task BuildStep_ReachesNeitherTheDefaultBridgesContainersNorTheHostsServices_ButStillTheOutside()
    {
        var target = await StartOnDefaultBridgeAsync();
        using var hostService = new TcpListener(IPAddress.Any, 0);
        hostService.Start();
        var port = ((IPEndPoint)hostService.LocalEndpoint).Port;
        using var stop = new CancellationTokenSource();
        var serving = ServeAsync(hostService, stop.Token);
        var app = await CreateAppAsync("drillbuildnet");

        var deploy = await Builds.DeployAsync(app.Id, BuildDrillSupport.Dockerfile(
            Probe("bridge", $"http://{target}:8080/"),
            $"gw=$(ip route | awk '/^default/ {{ print $3 }}') && " + Probe("host", $"http://$gw:{port}/"),
            Probe("outside", "http://deb.debian.org/debian/")));
        var log = await Builds.FinishedBuildLogAsync(app.Id, deploy.Release!.Id, BuildTimeout);
        await stop.CancelAsync();
        await serving;

        // Whole lines: the log also echoes each RUN command, which names every outcome.
        var lines = Lines(log);
        lines.Should().Contain("bridge-blocked", "a build is not on the default bridge").And.NotContain("bridge-reached");
        lines.Should().Contain("host-blocked", "a build cannot reach services the host serves on 0.0.0.0").And.NotContain("host-reached");
        lines.Should().Contain("outside-reached", "builds that need the network (apt-get against the mirror) still work");
        log.Should().Contain("Successfully built");
    }

    [Test]
    public async Task FourSlowBuilds_AnEnvChangeOnAnotherAppConvergesWhileTheyAreStillBuilding()
    {
        var other = await CreateAppAsync("drillbuildother");
        var image = await LogApps.BuildAsync(Platform, "quiet", "sleep 3600");
        var first = await Api.DeployAsync(other.Id, image);
        await Api.WaitForAsync(other.Id, first.Generation, AppStatus.Running);
        var slow = new List<(Guid AppId, Guid ReleaseId)>();
        for (var i = 0; i < 4; i++)
        {
            var app = await CreateAppAsync($"drillslow{i}");
            // Longer than the test waits for the env change: a build that held a reconcile worker would hold it all along.
            var deploy = await Builds.DeployAsync(app.Id, BuildDrillSupport.Dockerfile("sleep 100"));
            slow.Add((app.Id, deploy.Release!.Id));
        }

        var change = await Api.SetEnvAsync(other.Id, new Dictionary<string, string?> { ["DRILL"] = "env-change" });
        var converged = await Api.WaitForAsync(other.Id, change.Generation, AppStatus.Running);

        converged.CurrentRelease!.Id.Should().NotBe(first.Release!.Id, "the env change's release is live");
        foreach (var (appId, releaseId) in slow)
        {
            (await Builds.ReleaseAsync(appId, releaseId)).Status.Should().Be(ReleaseStatus.Building,
                "the slow builds are still queued or running, and say so");
            (await Api.GetAppAsync(appId))!.Status.Should().Be(AppStatus.Deploying);
        }
    }

    [Test]
    public async Task SlowBuildReplacedByANewerDeploy_IsCancelled_AndTheNewerReleaseGoesLive()
    {
        var app = await CreateAppAsync("drillbuildlatest");
        var slow = await Builds.DeployAsync(app.Id, BuildDrillSupport.Dockerfile("sleep 100"));
        await Eventually.UntilAsync(async () => (await Builds.ReleaseAsync(app.Id, slow.Release!.Id)).Status == ReleaseStatus.Building,
            PlatformApi.ConvergeTimeout, "the slow release is building");

        var newer = await Api.DeployAsync(app.Id, await LogApps.BuildAsync(Platform, "quiet", "sleep 3600"));
        var running = await Api.WaitForAsync(app.Id, newer.Generation, AppStatus.Running);

        running.CurrentRelease!.Id.Should().Be(newer.Release!.Id);
        (await Builds.ReleaseAsync(app.Id, slow.Release!.Id)).Status.Should().Be(ReleaseStatus.Cancelled);
    }

    /// <summary>The log's lines without the colour codes the engine puts around a step's stderr.</summary>
    private static string[] Lines(string log) =>
        System.Text.RegularExpressions.Regex.Replace(log, "\u001b\\[[0-9;]*m", "").Split('\n', StringSplitOptions.TrimEntries);

    private static string Probe(string name, string url) =>
        $"if timeout 5 wget -q -O /dev/null {url}; then echo {name}-reached; else echo {name}-blocked; fi";

    /// <summary>A container of this test on the engine's default bridge, serving on 8080; returns its address there.</summary>
    private async Task<string> StartOnDefaultBridgeAsync()
    {
        var image = await LogApps.BuildAsync(Platform, "slow", LogApps.SlowScript);
        var created = await Platform.Docker.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Image = image,
            Labels = new Dictionary<string, string> { [ContainerLabels.Instance] = PlatformFixture.Instance },
            HostConfig = new HostConfig { NetworkMode = "bridge", Init = true },
        });
        _containers.Add(created.ID);
        await Platform.Docker.Containers.StartContainerAsync(created.ID, new ContainerStartParameters());
        var inspected = await Platform.Docker.Containers.InspectContainerAsync(created.ID);
        return inspected.NetworkSettings!.Networks["bridge"].IPAddress;
    }

    /// <summary>Answers every connection with a 200, until stopped.</summary>
    private static async Task ServeAsync(TcpListener listener, CancellationToken ct)
    {
        var response = Encoding.ASCII.GetBytes("HTTP/1.0 200 OK\r\nContent-Length: 11\r\nConnection: close\r\n\r\nhost-secret");
        try
        {
            while (true)
            {
                using var client = await listener.AcceptTcpClientAsync(ct);
                var stream = client.GetStream();
                // The request is read first: closing with unread bytes would reset the connection, which looks like "blocked".
                var request = new byte[4096];
                var read = 0;
                while (read < request.Length && !Encoding.ASCII.GetString(request, 0, read).Contains("\r\n\r\n", StringComparison.Ordinal))
                {
                    var n = await stream.ReadAsync(request.AsMemory(read), ct);
                    if (n == 0)
                        break;
                    read += n;
                }

                await stream.WriteAsync(response, ct);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task<Contracts.Api.AppResponse> CreateAppAsync(string prefix)
    {
        var app = await Api.CreateAppAsync(PlatformApi.UniqueName(prefix));
        _apps.Add(app.Id);
        return app;
    }
}
