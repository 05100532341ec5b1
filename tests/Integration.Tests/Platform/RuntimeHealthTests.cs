using System.Net;
using System.Net.Http.Json;
using PersonalCloud.Contracts.Api;
using PersonalCloud.Contracts.Apps;
using PersonalCloud.Integration.Tests.Support;

namespace PersonalCloud.Integration.Tests.Platform;

/// <summary>What happens to a running app when its container dies or stops answering.</summary>
[Category("Integration")]
public sealed class RuntimeHealthTests : PlatformTest
{
    [Test]
    public async Task ServingContainerKilled_ShowsCrashLooping_ThenIsRestartedAfterTheBackoff()
    {
        var app = await Api.CreateAppAsync(PlatformApi.UniqueName("crashloop"), Platform.HelloImage);
        await Eventually.UntilAsync(async () => (await Api.GetThroughProxyAsync(app.GeneratedHostname)).Status == HttpStatusCode.OK,
            PlatformApi.ConvergeTimeout, "the app serves");
        var first = (await PlatformDocker.RunningContainersAsync(Platform, app.Id)).Single().ID;

        await Platform.Docker.Containers.KillContainerAsync(first, new Docker.DotNet.Models.ContainerKillParameters { Signal = "SIGKILL" });

        AppResponse? looping = null;
        await Eventually.UntilAsync(async () =>
        {
            looping = await Api.GetAppAsync(app.Id);
            // Crash-looping shows at the die event; the pass after it counts the crash.
            return looping!.Status == AppStatus.CrashLooping && looping.CrashCount == 1;
        }, PlatformApi.ConvergeTimeout, "the app shows crash-looping with the crash counted");
        looping!.LastExitCode.Should().Be(137);
        looping.CrashCount.Should().Be(1);
        looping.RestartCount.Should().BeGreaterThanOrEqualTo(1);
        looping.LastError.Should().Contain("code 137");
        (await Api.GetThroughProxyAsync(app.GeneratedHostname)).Status.Should().Be(HttpStatusCode.ServiceUnavailable);

        await Eventually.UntilAsync(async () => (await Api.GetThroughProxyAsync(app.GeneratedHostname)).Status == HttpStatusCode.OK,
            TimeSpan.FromSeconds(60), "it is started again after the 10 s backoff");
        (await PlatformDocker.RunningContainersAsync(Platform, app.Id)).Single().ID.Should().NotBe(first);
        // The pass switches traffic before it writes the status: the status follows within the pass.
        await Eventually.UntilAsync(async () => (await Api.GetAppAsync(app.Id))!.Status == AppStatus.Running,
            PlatformApi.ConvergeTimeout, "the app shows running again");
    }

    [Test]
    public async Task ServingAppFailingItsHealthChecks_IsReplacedByARollingRestart()
    {
        var flapping = await BehaviourImages.BuildFlappingAsync(Platform.Docker);
        var response = await Api.Http.PostAsJsonAsync("/api/apps", new CreateAppRequest(PlatformApi.UniqueName("flapping"), flapping,
            HealthCheck: new HealthCheckSettings(Path: "/health.txt", IntervalSeconds: 1, UnhealthyThreshold: 2)));
        var app = (await response.Content.ReadFromJsonAsync<AppResponse>())!;
        await Eventually.UntilAsync(async () => (await PlatformDocker.RunningContainersAsync(Platform, app.Id)).Count == 1,
            PlatformApi.ConvergeTimeout, "the app runs");
        var first = (await PlatformDocker.RunningContainersAsync(Platform, app.Id)).Single().ID;

        await Eventually.UntilAsync(async () => (await PlatformDocker.RunningContainersAsync(Platform, app.Id)).Any(c => c.ID != first),
            PlatformApi.ConvergeTimeout, "a replacement container is started once the checks fail");

        var after = (await Api.GetAppAsync(app.Id))!;
        after.RestartCount.Should().BeGreaterThanOrEqualTo(1);
        var health = await Api.GetAsync<HealthResponse>($"/api/apps/{app.Id}/health");
        health.History.Should().Contain(h => h.Status == "unhealthy" && h.HttpStatus == 404);
    }
}
