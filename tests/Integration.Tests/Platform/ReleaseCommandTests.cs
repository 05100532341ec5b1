using System.Net;
using System.Net.Http.Json;
using PersonalCloud.Contracts.Api;
using PersonalCloud.Contracts.Apps;
using PersonalCloud.Integration.Tests.Support;

namespace PersonalCloud.Integration.Tests.Platform;

/// <summary>The release command: run once per new release before its processes start; a failing one keeps the old release serving.</summary>
[Category("Integration")]
public sealed class ReleaseCommandTests : PlatformTest
{
    [Test]
    public async Task FailingReleaseCommand_FailsTheRelease_AndTheOldReleaseKeepsServing()
    {
        var app = await Api.CreateAppAsync(PlatformApi.UniqueName("relcmd-fail"), Platform.HelloImage);
        var live = await Api.WaitForAsync(app.Id, app.Generation, AppStatus.Running);
        // Both lines on stderr: the engine copies stdout and stderr on separate goroutines, so which of two lines printed
        // microseconds apart on different streams it stores last is not defined (a full-suite run saw "migrating" last).
        await SetReleaseCommandAsync(app.Id, "echo migrating >&2; echo 'migration 7 failed: relation exists' >&2; exit 4");

        var deploy = await Api.DeployAsync(app.Id, Platform.HelloImage);

        ReleaseResponse? release = null;
        await Eventually.UntilAsync(async () =>
        {
            release = await Api.GetAsync<ReleaseResponse>($"/api/apps/{app.Id}/releases/{deploy.Release!.Id}");
            return release.Status == ReleaseStatus.Failed;
        }, PlatformApi.ConvergeTimeout, () => $"the release fails (last: {release?.Status} {release?.Stage})");
        release!.FailedStage.Should().Be(ReleaseStages.ReleaseCommand);
        release.FailureReason.Should().Be("the release command failed: container exited with code 4; last log line: migration 7 failed: relation exists");
        release.Stages!.Select(s => s.Name).Should().NotContain(ReleaseStages.Starting, "no process of the failed release ever started");

        var after = await Api.WaitForAsync(app.Id, deploy.Generation, AppStatus.Running);
        after.CurrentRelease!.Id.Should().Be(live.CurrentRelease!.Id);
        (await Api.GetThroughProxyAsync(app.GeneratedHostname)).Status.Should().Be(HttpStatusCode.OK);
        await Eventually.UntilAsync(async () => (await Api.GetAppAsync(app.Id))!.LastFailedRelease?.LastLines.Contains("migration 7 failed: relation exists") == true,
            PlatformApi.ConvergeTimeout, "its output is kept through the log pipeline and shown with the failed release");
        await Eventually.UntilAsync(async () => (await PlatformDocker.AllContainersAsync(Platform, app.Id)).Count == 1,
            PlatformApi.ConvergeTimeout, "the release command's container is removed");
    }

    [Test]
    public async Task ReleaseCommand_RunsOncePerRelease_BeforeItsProcessesStart()
    {
        var app = await Api.CreateAppAsync(PlatformApi.UniqueName("relcmd-ok"));
        var marker = "migrated-" + Guid.NewGuid().ToString("N")[..8];
        await SetReleaseCommandAsync(app.Id, $"echo {marker}");

        var deploy = await Api.DeployAsync(app.Id, Platform.HelloImage);
        var live = await Api.WaitForAsync(app.Id, deploy.Generation, AppStatus.Running);

        live.CurrentRelease!.Id.Should().Be(deploy.Release!.Id);
        live.CurrentRelease.ReleaseCommand.Should().Be($"echo {marker}");
        var stages = live.CurrentRelease.Stages!.Select(s => s.Name).ToList();
        stages.Should().ContainInOrder(ReleaseStages.ReleaseCommand, ReleaseStages.Starting, ReleaseStages.Live);
        var restart = await Api.RestartAsync(app.Id);
        await Api.WaitForAsync(app.Id, restart.Generation, AppStatus.Running);
        await Eventually.UntilAsync(async () => (await Api.Http.GetStringAsync($"/api/apps/{app.Id}/logs?q={marker}")).Contains(marker, StringComparison.Ordinal),
            PlatformApi.ConvergeTimeout, "its output is in the app's logs");
        var lines = await Api.GetAsync<List<LogLineResponse>>($"/api/apps/{app.Id}/logs?q={marker}");
        lines.Should().ContainSingle("it ran once: a restart is not a new release").Which.ReleaseId.Should().Be(deploy.Release.Id);
    }

    private async Task SetReleaseCommandAsync(Guid appId, string command)
    {
        var response = await Api.Http.PutAsJsonAsync($"/api/apps/{appId}/release-command", new ReleaseCommandRequest(command));
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }
}
