using System.Diagnostics;
using System.Net;
using Docker.DotNet;
using Docker.DotNet.Models;
using Microsoft.Extensions.Logging.Abstractions;
using PersonalCloud.Contracts.Apps;
using PersonalCloud.Contracts.Labels;
using PersonalCloud.Integration.Tests.Support;
using PersonalCloud.Reconciler.Containers;
using ContainerSpec = PersonalCloud.Reconciler.Containers.ContainerSpec;

namespace PersonalCloud.Integration.Tests.Containers;

/// <summary>The Docker implementation of the runtime seam against the real engine; every test makes its own app.</summary>
[Category("Integration")]
// Alone: one test asserts how long a stop takes, which other tests' load would stretch.
[NonParallelizable]
public sealed class DockerContainerRuntimeTests
{
    private const string AppNamePrefix = "it-rt-";

    // CHOWN, DAC_OVERRIDE, FOWNER, SETGID, SETUID, NET_BIND_SERVICE: bits 0, 1, 3, 6, 7, 10.
    private const string DefaultProfileCapEff = "00000000000004cb";

    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan LeftoverAge = TimeSpan.FromMinutes(15);

    private readonly List<Guid> _appIds = [];
    private DockerClient _client = null!;
    private DockerContainerRuntime _runtime = null!;
    private HttpClient _http = null!;
    private string _helloImage = null!;

    [OneTimeSetUp]
    public async Task OneTimeSetUp()
    {
        _client = DockerContainerRuntime.CreateClient(DockerContainerRuntime.DefaultEndpoint);
        _runtime = new DockerContainerRuntime(NullLogger<DockerContainerRuntime>.Instance);
        _http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        await RemoveLeftoversOfKilledRunsAsync();
        _helloImage = await TestImages.BuildHelloAsync(_client, CancellationToken.None);
    }

    [OneTimeTearDown]
    public void OneTimeTearDown()
    {
        _http.Dispose();
        _runtime.Dispose();
        _client.Dispose();
    }

    [TearDown]
    public async Task TearDown()
    {
        foreach (var appId in _appIds)
        {
            await RemoveAppAsync(appId);
        }

        _appIds.Clear();
    }

    [Test]
    public async Task EnsureImage_LocalImage_ResolvesIdAndExposedPort()
    {
        var image = await _runtime.EnsureImageAsync(_helloImage, CancellationToken.None);

        var inspected = await _client.Images.InspectImageAsync(_helloImage);
        image.Reference.Should().Be(_helloImage);
        image.Id.Should().Be(inspected.ID);
        image.ExposedTcpPorts.Should().Equal(TestImages.HelloPort);
    }

    [Test]
    public async Task EnsureImage_MissingImageThatCannotBePulled_ThrowsImageUnavailable()
    {
        var act = () => _runtime.EnsureImageAsync("pcloud-test/does-not-exist:1", CancellationToken.None);

        (await act.Should().ThrowAsync<ImageUnavailableException>())
            .WithMessage("image 'pcloud-test/does-not-exist:1' is not in the engine and could not be pulled: *");
    }

    [Test]
    public async Task CreateAndStart_OnAppNetwork_ListsRunningWithLabelsAndServesGreeting()
    {
        var app = NewApp();
        await _runtime.EnsureNetworkAsync(app.NetworkName, app.AppId, CancellationToken.None);
        await _runtime.EnsureNetworkAsync(app.NetworkName, app.AppId, CancellationToken.None);

        var id = await _runtime.CreateAndStartAsync(await SpecAsync(app), CancellationToken.None);

        var observed = await RunningAsync(app.AppId, id);
        observed.Name.Should().Be(app.ContainerName);
        observed.ReleaseId.Should().Be(app.ReleaseId);
        observed.SpecHash.Should().Be("spec-hash-1");
        observed.CreatedAt.Should().BeCloseTo(DateTimeOffset.UtcNow, TimeSpan.FromMinutes(2));
        await ServesGreetingAsync(observed.IpAddress!, app.Greeting);
        var networks = await _runtime.ListManagedNetworksAsync(CancellationToken.None);
        networks.Where(n => n.Name == app.NetworkName).Should().ContainSingle().Which.AppId.Should().Be(app.AppId);
    }

    [Test]
    public async Task CreateAndStart_DefaultProfile_IsHardened()
    {
        var app = NewApp();
        await _runtime.EnsureNetworkAsync(app.NetworkName, app.AppId, CancellationToken.None);

        var id = await _runtime.CreateAndStartAsync(await SpecAsync(app), CancellationToken.None);

        var inspected = await _client.Containers.InspectContainerAsync(id);
        var host = inspected.HostConfig!;
        host.Privileged.Should().BeFalse();
        host.SecurityOpt.Should().Equal("no-new-privileges:true");
        host.CapAdd.Should().BeNullOrEmpty();
        host.CapDrop.Should().Contain(["NET_RAW", "SYS_ADMIN", "KILL"]);
        host.Init.Should().BeTrue();
        host.Memory.Should().Be(64L * 1024 * 1024);
        host.MemorySwap.Should().Be(64L * 1024 * 1024);
        host.NanoCPUs.Should().Be(500_000_000);
        host.PidsLimit.Should().Be(64);
        host.PublishAllPorts.Should().BeFalse();
        host.PortBindings.Should().BeNullOrEmpty();
        host.Binds.Should().BeNullOrEmpty();
        inspected.Mounts.Should().BeEmpty();
        inspected.NetworkSettings!.Networks!.Keys.Should().Equal(app.NetworkName);
        inspected.Config!.Hostname.Should().Be(app.AppName);
        inspected.Config.Env.Should().Contain([$"GREETING={app.Greeting}", "PORT=8080"]);
        await RunningAsync(app.AppId, id);
        (await ExecAsync(id, "grep", "CapEff", "/proc/1/status")).Should().Contain(DefaultProfileCapEff);
    }

    [Test]
    public async Task CreateAndStart_StrictProfile_ServesWithNoCapabilitiesOnReadOnlyRoot()
    {
        var app = NewApp();
        await _runtime.EnsureNetworkAsync(app.NetworkName, app.AppId, CancellationToken.None);

        var id = await _runtime.CreateAndStartAsync(await SpecAsync(app, SecurityProfiles.Strict), CancellationToken.None);

        var observed = await RunningAsync(app.AppId, id);
        await ServesGreetingAsync(observed.IpAddress!, app.Greeting);
        var host = (await _client.Containers.InspectContainerAsync(id)).HostConfig!;
        host.CapDrop.Should().Equal("ALL");
        host.ReadonlyRootfs.Should().BeTrue();
        host.Tmpfs.Should().ContainKey("/tmp");
        (await ExecAsync(id, "grep", "CapEff", "/proc/1/status")).Should().Contain("0000000000000000");
        (await ExecAsync(id, "sh", "-c", "touch /rootfs-write 2>&1 || echo denied")).Should().Contain("denied");
    }

    [Test]
    public async Task CreateAndStart_SameNameTwice_ReturnsTheSameContainer()
    {
        var app = NewApp();
        await _runtime.EnsureNetworkAsync(app.NetworkName, app.AppId, CancellationToken.None);
        var spec = await SpecAsync(app);

        var first = await _runtime.CreateAndStartAsync(spec, CancellationToken.None);
        var second = await _runtime.CreateAndStartAsync(spec, CancellationToken.None);

        second.Should().Be(first);
        (await _runtime.ListManagedAsync(app.AppId, CancellationToken.None)).Should().ContainSingle();
    }

    [Test]
    public async Task Inspect_ByNameRightAfterStart_SeesItRunningAtTheListedAddress_AndNothingOnceRemoved()
    {
        var app = NewApp();
        await _runtime.EnsureNetworkAsync(app.NetworkName, app.AppId, CancellationToken.None);
        var id = await _runtime.CreateAndStartAsync(await SpecAsync(app), CancellationToken.None);

        var inspected = await _runtime.InspectAsync(app.ContainerName, CancellationToken.None);

        inspected.Should().NotBeNull();
        inspected!.Id.Should().Be(id);
        inspected.State.Should().Be(ContainerState.Running);
        inspected.IpAddress.Should().NotBeNullOrEmpty();
        var listed = await RunningAsync(app.AppId, id);
        inspected.Should().BeEquivalentTo(listed, o => o.Excluding(c => c.CreatedAt), "inspect and list read the same labels and address");
        inspected.CreatedAt.Should().BeCloseTo(listed.CreatedAt, TimeSpan.FromSeconds(1), "the list rounds to seconds");
        await _runtime.StopAndRemoveAsync(id, TimeSpan.FromSeconds(10), CancellationToken.None);
        (await _runtime.InspectAsync(id, CancellationToken.None)).Should().BeNull();
    }

    [Test]
    public async Task StopAndRemove_RunningContainer_StopsPromptlyAndIsGoneAndRemovingAgainSucceeds()
    {
        var app = NewApp();
        await _runtime.EnsureNetworkAsync(app.NetworkName, app.AppId, CancellationToken.None);
        var id = await _runtime.CreateAndStartAsync(await SpecAsync(app), CancellationToken.None);
        await RunningAsync(app.AppId, id);

        var stopwatch = Stopwatch.StartNew();
        await _runtime.StopAndRemoveAsync(id, TimeSpan.FromSeconds(10), CancellationToken.None);
        stopwatch.Stop();

        // Init forwards SIGTERM, so busybox does not sit out the whole timeout as PID 1 would.
        stopwatch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(5));
        (await _runtime.ListManagedAsync(app.AppId, CancellationToken.None)).Should().BeEmpty();
        await _runtime.Invoking(r => r.StopAndRemoveAsync(id, TimeSpan.FromSeconds(1), CancellationToken.None))
            .Should().NotThrowAsync();
        await _runtime.RemoveNetworkAsync(app.NetworkName, CancellationToken.None);
        await _runtime.RemoveNetworkAsync(app.NetworkName, CancellationToken.None);
        (await _runtime.ListManagedNetworksAsync(CancellationToken.None)).Should().NotContain(n => n.Name == app.NetworkName);
    }

    [Test]
    public async Task FollowLogs_RunningContainer_YieldsStartedLineAndRequestLogUntilTheContainerStops()
    {
        var app = NewApp();
        await _runtime.EnsureNetworkAsync(app.NetworkName, app.AppId, CancellationToken.None);
        var before = DateTimeOffset.UtcNow.AddMinutes(-1);
        var id = await _runtime.CreateAndStartAsync(await SpecAsync(app), CancellationToken.None);
        var observed = await RunningAsync(app.AppId, id);
        using var timeout = new CancellationTokenSource(Deadline);

        var entries = new List<ContainerLogEntry>();
        await foreach (var entry in _runtime.FollowLogsAsync(id, since: null, follow: true, timeout.Token))
        {
            entries.Add(entry);
            if (entry.Message == TestImages.HelloStartedLine)
            {
                await ServesGreetingAsync(observed.IpAddress!, app.Greeting);
                await _client.Containers.StopContainerAsync(id, new ContainerStopParameters { WaitBeforeKillSeconds = 5 });
            }
        }

        timeout.IsCancellationRequested.Should().BeFalse("the stream ends by itself when the container stops");
        var started = entries.Should().ContainSingle(e => e.Message == TestImages.HelloStartedLine).Which;
        started.Stream.Should().Be("stdout");
        started.Timestamp.Should().BeAfter(before).And.BeBefore(DateTimeOffset.UtcNow.AddMinutes(1));
        entries.Should().Contain(e => e.Stream == "stderr" && e.Message.Contains("response:200", StringComparison.Ordinal));
        entries.Should().NotContain(e => e.Message.Contains(app.Greeting, StringComparison.Ordinal));
    }

    [Test]
    public async Task FollowLogs_Cancelled_EndsWithoutThrowing()
    {
        var app = NewApp();
        await _runtime.EnsureNetworkAsync(app.NetworkName, app.AppId, CancellationToken.None);
        var id = await _runtime.CreateAndStartAsync(await SpecAsync(app), CancellationToken.None);
        using var cancel = new CancellationTokenSource();

        var count = 0;
        await foreach (var entry in _runtime.FollowLogsAsync(id, DateTimeOffset.UtcNow.AddMinutes(-5), follow: true, cancel.Token))
        {
            count++;
            await cancel.CancelAsync();
        }

        count.Should().Be(1);
    }

    [Test]
    public async Task WatchEvents_ContainerStartedAfterTheWatchBegan_YieldsStartEvent()
    {
        var app = NewApp();
        await _runtime.EnsureNetworkAsync(app.NetworkName, app.AppId, CancellationToken.None);
        using var stopWatching = new CancellationTokenSource();
        var started = new TaskCompletionSource<ContainerEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        var watch = Task.Run(async () =>
        {
            await foreach (var e in _runtime.WatchEventsAsync(stopWatching.Token))
            {
                if (e.AppId == app.AppId && e.Action == "start")
                {
                    started.TrySetResult(e);
                }
            }
        });

        var id = await _runtime.CreateAndStartAsync(await SpecAsync(app), CancellationToken.None);

        // The watch subscribes asynchronously; restarting until an event arrives removes that race.
        await Eventually.UntilAsync(
            async () =>
            {
                if (!started.Task.IsCompleted)
                {
                    await _client.Containers.RestartContainerAsync(id, new ContainerRestartParameters { WaitBeforeKillSeconds = 1 });
                }

                return started.Task.IsCompleted;
            },
            Deadline,
            "a start event for the app's container");
        (await started.Task).ContainerId.Should().Be(id);
        await stopWatching.CancelAsync();
        await watch.WaitAsync(Deadline);
        watch.IsCompletedSuccessfully.Should().BeTrue("cancelling ends the watch quietly");
    }

    private TestApp NewApp()
    {
        var appId = Guid.NewGuid();
        _appIds.Add(appId);
        var suffix = appId.ToString("N")[..8];
        return new TestApp(appId, Guid.NewGuid(), $"{AppNamePrefix}{suffix}", $"pcloud-it-{appId:N}", $"pcloud-{AppNamePrefix}{suffix}-1", $"hi-{suffix}");
    }

    private async Task<ContainerSpec> SpecAsync(TestApp app, string profile = SecurityProfiles.Default)
    {
        var image = await _runtime.EnsureImageAsync(_helloImage, CancellationToken.None);
        return new ContainerSpec(
            app.ContainerName,
            image.Id,
            app.AppId,
            app.AppName,
            app.ReleaseId,
            "spec-hash-1",
            app.NetworkName,
            TestImages.HelloPort,
            new Dictionary<string, string> { ["GREETING"] = app.Greeting },
            new ContainerLimits(64L * 1024 * 1024, 0.5, 64),
            profile);
    }

    private async Task<ObservedContainer> RunningAsync(Guid appId, string containerId)
    {
        ObservedContainer? running = null;
        await Eventually.UntilAsync(
            async () =>
            {
                var listed = await _runtime.ListManagedAsync(appId, CancellationToken.None);
                running = listed.SingleOrDefault(c => c.Id == containerId && c.State == ContainerState.Running && c.IpAddress is not null);
                return running is not null;
            },
            Deadline,
            $"container {containerId} running with an address");
        running!.AppId.Should().Be(appId);
        return running;
    }

    private async Task ServesGreetingAsync(string ip, string greeting)
    {
        await Eventually.UntilAsync(
            async () =>
            {
                using var response = await _http.GetAsync(new Uri($"http://{ip}:{TestImages.HelloPort}/"));
                return response.StatusCode == HttpStatusCode.OK
                    && (await response.Content.ReadAsStringAsync()).Contains($"greeting={greeting}", StringComparison.Ordinal);
            },
            Deadline,
            $"http://{ip}:{TestImages.HelloPort}/ answering 200 with the greeting");
    }

    private async Task<string> ExecAsync(string containerId, params string[] command)
    {
        var exec = await _client.Exec.CreateContainerExecAsync(
            containerId, new ContainerExecCreateParameters { Cmd = command, AttachStdout = true, AttachStderr = true });
        using var stream = await _client.Exec.StartContainerExecAsync(exec.ID, new ContainerExecStartParameters());
        using var timeout = new CancellationTokenSource(Deadline);
        var (stdout, stderr) = await stream.ReadOutputToEndAsync(timeout.Token);
        return stdout + stderr;
    }

    private async Task RemoveAppAsync(Guid appId)
    {
        var filter = new Dictionary<string, IDictionary<string, bool>>
        {
            ["label"] = new Dictionary<string, bool> { [$"{ContainerLabels.AppId}={appId:D}"] = true },
        };
        foreach (var container in await _client.Containers.ListContainersAsync(new ContainersListParameters { All = true, Filters = filter }))
        {
            await _runtime.StopAndRemoveAsync(container.ID, TimeSpan.Zero, CancellationToken.None);
        }

        foreach (var network in await _client.Networks.ListNetworksAsync(new NetworksListParameters { Filters = filter }))
        {
            await _client.Networks.DeleteNetworkAsync(network.ID);
        }
    }

    /// <summary>A killed run leaves its apps behind; only old ones go, so a run in parallel keeps its own.</summary>
    private async Task RemoveLeftoversOfKilledRunsAsync()
    {
        var cutoff = DateTime.UtcNow - LeftoverAge;
        var leftovers = (await _runtime.ListManagedAsync(appId: null, CancellationToken.None))
            .Where(c => c.Name.StartsWith($"pcloud-{AppNamePrefix}", StringComparison.Ordinal) && c.CreatedAt.UtcDateTime < cutoff)
            .Select(c => c.AppId)
            .Distinct();
        foreach (var appId in leftovers)
        {
            await RemoveAppAsync(appId);
        }
    }

    private sealed record TestApp(Guid AppId, Guid ReleaseId, string AppName, string NetworkName, string ContainerName, string Greeting);
}
