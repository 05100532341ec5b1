using System.Net;
using System.Net.Http.Json;
using PersonalCloud.Contracts.Api;
using PersonalCloud.Contracts.Apps;
using PersonalCloud.Integration.Tests.Support;

namespace PersonalCloud.Integration.Tests.Platform;

/// <summary>What happens to a running app when its container dies or stops answering.</summary>
[Category("Integration")]
public sealed class RuntimeHealthTests
{
    private PlatformFixture _platform = null!;
    private PlatformApi _api = null!;

    [SetUp]
    public void SetUp()
    {
        _platform = PlatformFixture.Current;
        _api = new PlatformApi(_platform);
    }

    [Test]
    public async Task ServingContainerKilled_ShowsCrashLooping_ThenIsRestartedAfterTheBackoff()
    {
        var app = await _api.CreateAppAsync(PlatformApi.UniqueName("crashloop"), _platform.HelloImage);
        await Eventually.UntilAsync(async () => (await _api.GetThroughProxyAsync(app.GeneratedHostname)).Status == HttpStatusCode.OK,
            PlatformApi.ConvergeTimeout, "the app serves");
        var first = (await PlatformDocker.RunningContainersAsync(_platform, app.Id)).Single().ID;

        await _platform.Docker.Containers.KillContainerAsync(first, new Docker.DotNet.Models.ContainerKillParameters { Signal = "SIGKILL" });

        AppResponse? looping = null;
        await Eventually.UntilAsync(async () =>
        {
            looping = await _api.GetAppAsync(app.Id);
            return looping!.Status == AppStatus.CrashLooping;
        }, PlatformApi.ConvergeTimeout, "the app shows crash-looping");
        looping!.LastExitCode.Should().Be(137);
        looping.CrashCount.Should().Be(1);
        looping.RestartCount.Should().BeGreaterThanOrEqualTo(1);
        looping.LastError.Should().Contain("code 137");
        (await _api.GetThroughProxyAsync(app.GeneratedHostname)).Status.Should().Be(HttpStatusCode.ServiceUnavailable);

        await Eventually.UntilAsync(async () => (await _api.GetThroughProxyAsync(app.GeneratedHostname)).Status == HttpStatusCode.OK,
            TimeSpan.FromSeconds(60), "it is started again after the 10 s backoff");
        (await PlatformDocker.RunningContainersAsync(_platform, app.Id)).Single().ID.Should().NotBe(first);
        (await _api.GetAppAsync(app.Id))!.Status.Should().Be(AppStatus.Running);
    }

    [Test]
    public async Task ServingAppFailingItsHealthChecks_IsReplacedByARollingRestart()
    {
        var flapping = await BehaviourImages.BuildFlappingAsync(_platform.Docker);
        var response = await _api.Http.PostAsJsonAsync("/api/apps", new CreateAppRequest(PlatformApi.UniqueName("flapping"), flapping,
            HealthCheck: new HealthCheckSettings(Path: "/health.txt", IntervalSeconds: 1, UnhealthyThreshold: 2)));
        var app = (await response.Content.ReadFromJsonAsync<AppResponse>())!;
        await Eventually.UntilAsync(async () => (await PlatformDocker.RunningContainersAsync(_platform, app.Id)).Count == 1,
            PlatformApi.ConvergeTimeout, "the app runs");
        var first = (await PlatformDocker.RunningContainersAsync(_platform, app.Id)).Single().ID;

        await Eventually.UntilAsync(async () => (await PlatformDocker.RunningContainersAsync(_platform, app.Id)).Any(c => c.ID != first),
            PlatformApi.ConvergeTimeout, "a replacement container is started once the checks fail");

        var after = (await _api.GetAppAsync(app.Id))!;
        after.RestartCount.Should().BeGreaterThanOrEqualTo(1);
        var health = await _api.GetAsync<HealthResponse>($"/api/apps/{app.Id}/health");
        health.History.Should().Contain(h => h.Status == "unhealthy" && h.HttpStatus == 404);
    }
}
