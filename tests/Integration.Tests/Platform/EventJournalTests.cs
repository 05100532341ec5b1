using PersonalCloud.Contracts.Api;
using PersonalCloud.Contracts.Apps;
using PersonalCloud.Integration.Tests.Support;

namespace PersonalCloud.Integration.Tests.Platform;

/// <summary>The reconciler explains itself: per-app journal over the API, and console logs that carry the app id.</summary>
[Category("Integration")]
public sealed class EventJournalTests
{
    [Test]
    public async Task Deploy_IsJournaled_WithEachActionItsReasonOutcomeAndDuration()
    {
        var platform = PlatformFixture.Current;
        var api = new PlatformApi(platform);
        var app = await api.CreateAppAsync(PlatformApi.UniqueName("journal"));
        var deploy = await api.DeployAsync(app.Id, platform.HelloImage);
        await api.WaitForAsync(app.Id, deploy.Generation, AppStatus.Running);

        var events = await api.GetAsync<IReadOnlyList<AppEventResponse>>($"/api/apps/{app.Id}/events");

        events.Select(e => e.Action).Should().Contain(["EnsureNetwork", "StartContainer", "RouteTraffic"]);
        events.Should().OnlyContain(e => e.Outcome == "succeeded" && e.DurationMs >= 0 && e.Reason.Length > 0);
        events.Single(e => e.Action == "StartContainer").ReleaseId.Should().Be(deploy.Release!.Id);
        events.Select(e => e.Id).Should().BeInDescendingOrder();
        var older = await api.GetAsync<IReadOnlyList<AppEventResponse>>($"/api/apps/{app.Id}/events?limit=1&before={events[0].Id}");
        older.Single().Id.Should().Be(events[1].Id);

        platform.ReconcilerProcess.ReadLog().Should().Contain(app.Id.ToString(), "every console line of a pass carries the app id");
    }

    [Test]
    public async Task FailedRelease_IsJournaledWithItsReason()
    {
        var platform = PlatformFixture.Current;
        var api = new PlatformApi(platform);
        var app = await api.CreateAppAsync(PlatformApi.UniqueName("journalfail"));
        var deploy = await api.DeployAsync(app.Id, "pcloud-test/does-not-exist:2");
        await api.WaitForAsync(app.Id, deploy.Generation, AppStatus.Failed);

        IReadOnlyList<AppEventResponse> events = [];
        await Eventually.UntilAsync(async () =>
        {
            events = await api.GetAsync<IReadOnlyList<AppEventResponse>>($"/api/apps/{app.Id}/events");
            return events.Any(e => e.Action == "FailRelease");
        }, PlatformApi.ConvergeTimeout, "the failure is journaled");
        var failed = events.First(e => e.Action == "FailRelease");
        failed.Outcome.Should().Be("failed", "a release failing is a failure, not a succeeded action");
        failed.Reason.Should().Contain("failed at the starting stage");
        failed.Error.Should().Contain("does-not-exist");
    }
}
