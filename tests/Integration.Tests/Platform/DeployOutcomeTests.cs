using PersonalCloud.Contracts.Api;
using PersonalCloud.Contracts.Apps;
using PersonalCloud.Integration.Tests.Support;

namespace PersonalCloud.Integration.Tests.Platform;

/// <summary>After a failed deploy the app tells the truth: what serves, what failed, why in words, what it printed; so do the journal and the audit log.</summary>
[Category("Integration")]
public sealed class DeployOutcomeTests : PlatformTest
{
    private readonly List<Guid> _apps = [];

    [TearDown]
    public async Task DeleteAppsAsync()
    {
        foreach (var appId in _apps)
            await Api.Http.DeleteAsync($"/api/apps/{appId}");
        _apps.Clear();
    }

    [Test]
    public async Task FailedDeploy_WhileAnOlderReleaseServes_AppNamesBoth_WithTheReasonAndTheLastLines()
    {
        var app = await Api.CreateAppAsync(PlatformApi.UniqueName("failedstatus"));
        _apps.Add(app.Id);
        var good = await Api.DeployAsync(app.Id, Platform.HelloImage);
        await Api.WaitForAsync(app.Id, good.Generation, AppStatus.Running);
        var crasher = await BehaviourImages.BuildCrashAsync(Platform.Docker);

        var deploy = await Api.DeployAsync(app.Id, crasher);
        AppResponse? status = null;
        await Eventually.UntilAsync(async () =>
        {
            status = await Api.GetAppAsync(app.Id);
            return status?.LastFailedRelease?.LastLines.Contains(BehaviourImages.CrashLine) == true;
        }, PlatformApi.ConvergeTimeout, () => $"the app names the failed release and its last lines (last: {status?.Status}, {status?.LastFailedRelease?.Release.Status})");

        status!.Status.Should().Be(AppStatus.Running, "the older release still serves");
        status.CurrentRelease!.Id.Should().Be(good.Release!.Id);
        status.CurrentRelease.Image.Should().Be(Platform.HelloImage);
        var failed = status.LastFailedRelease!.Release;
        failed.Id.Should().Be(deploy.Release!.Id);
        failed.Image.Should().Be(crasher);
        failed.FailedStage.Should().Be(ReleaseStages.HealthChecking);
        failed.FailureReason.Should().Be($"container exited with code {BehaviourImages.CrashExitCode}; last log line: {BehaviourImages.CrashLine}");
        status.DeployingRelease.Should().BeNull();

        var events = await Api.GetAsync<IReadOnlyList<AppEventResponse>>($"/api/apps/{app.Id}/events");
        var journaled = events.Should().ContainSingle(e => e.Action == "FailRelease").Subject;
        journaled.Outcome.Should().Be("failed", "a release failing is a failure");
        journaled.ReleaseId.Should().Be(failed.Id);
        journaled.Error.Should().Be(failed.FailureReason);

        var audit = await Api.GetAsync<IReadOnlyList<AuditEntryResponse>>($"/api/audit?app={app.Id}&method=POST");
        var accepted = audit.Should().ContainSingle(e => e.ReleaseId == failed.Id).Subject;
        (accepted.StatusCode, accepted.ReleaseStatus).Should().Be((202, ReleaseStatus.Failed), "the 202 links to how its release went");

        // A later deploy that goes live clears it: the failure is history, no longer the app's state.
        var again = await Api.DeployAsync(app.Id, Platform.HelloImage);
        var recovered = await Api.WaitForAsync(app.Id, again.Generation, AppStatus.Running);
        recovered.CurrentRelease!.Id.Should().Be(again.Release!.Id);
        recovered.LastFailedRelease.Should().BeNull();
    }

    [Test]
    public async Task FailedFirstDeploy_OfAnImageThatCannotBeHad_FailsAtStarting_AndTheAppSaysFailed()
    {
        var app = await Api.CreateAppAsync(PlatformApi.UniqueName("noimage"));
        _apps.Add(app.Id);

        var deploy = await Api.DeployAsync(app.Id, "pcloud-test/does-not-exist:3");
        var status = await Api.WaitForAsync(app.Id, deploy.Generation, AppStatus.Failed);

        status.CurrentRelease.Should().BeNull();
        status.LastFailedRelease!.Release.Id.Should().Be(deploy.Release!.Id);
        status.LastFailedRelease.Release.FailedStage.Should().Be(ReleaseStages.Starting);
        status.LastFailedRelease.Release.FailureReason.Should().Contain("does-not-exist");
        status.LastFailedRelease.LastLines.Should().BeEmpty("it never ran, so it printed nothing");
    }
}
