using System.Net;
using System.Net.Http.Json;
using Dapper;
using PersonalCloud.Contracts.Api;
using PersonalCloud.Contracts.Apps;
using PersonalCloud.Integration.Tests.Support;

namespace PersonalCloud.Integration.Tests.Platform;

/// <summary>Releases as snapshots: failed releases, rollback, env changes, serialized deploys.</summary>
[Category("Integration")]
public sealed class ReleaseTests : PlatformTest
{
    [Test]
    public async Task Deploy_OfAReleaseThatCrashes_FailsIt_KeepsTheOldServing_AndKeepsItsLogs()
    {
        var app = await DeployHelloAsync("crashnew", "one");
        var crasher = await BehaviourImages.BuildCrashAsync(Platform.Docker);

        var deploy = await Api.DeployAsync(app.Id, crasher);
        var release = await WaitForReleaseAsync(app.Id, deploy.Release!.Id, ReleaseStatus.Failed);

        release.FailureReason.Should().Contain($"code {BehaviourImages.CrashExitCode}");
        release.FailedAt.Should().NotBeNull();
        (await Api.GetThroughProxyAsync(app.GeneratedHostname)).Body.Should().Contain("greeting=one");
        var after = await Api.GetAppAsync(app.Id);
        after!.Status.Should().Be(AppStatus.Running);
        after.CurrentRelease!.Id.Should().NotBe(deploy.Release.Id);
        await Eventually.UntilAsync(async () => (await Api.GetAsync<IReadOnlyList<LogLineResponse>>($"/api/apps/{app.Id}/logs?limit=200"))
            .Any(l => l.Message.Contains(BehaviourImages.CrashLine, StringComparison.Ordinal) && l.ReleaseId == deploy.Release.Id),
            PlatformApi.ConvergeTimeout, "the failed release's output is kept");
    }

    [Test]
    public async Task Deploy_OfAReleaseTheEngineCannotStart_FailsItWithTheEnginesReason_AndKeepsTheOldServing()
    {
        var app = await DeployHelloAsync("nouser", "one");
        var image = await BehaviourImages.BuildNoSuchUserAsync(Platform.Docker);

        var deploy = await Api.DeployAsync(app.Id, image);
        var release = await WaitForReleaseAsync(app.Id, deploy.Release!.Id, ReleaseStatus.Failed);

        release.FailureReason.Should().Contain("could not start").And.Contain("nosuchuser");
        (await Api.GetThroughProxyAsync(app.GeneratedHostname)).Body.Should().Contain("greeting=one");
        (await Api.GetAppAsync(app.Id))!.Status.Should().Be(AppStatus.Running);
        await Eventually.UntilAsync(async () => (await PlatformDocker.AllContainersAsync(Platform, app.Id)).Count == 1,
            PlatformApi.ConvergeTimeout, "the container that never started is removed; the old one runs on");
    }

    [Test]
    public async Task Deploy_WithMoreCpusThanTheHostHas_FailsTheReleaseWithTheEnginesReason()
    {
        var cpus = Environment.ProcessorCount + 1;
        cpus.Should().BeLessThanOrEqualTo(64, "a CPU limit can ask for at most 64, so only a smaller host can refuse it");
        // The API refuses such limits now (InputValidationDrills); an app that has them anyway (made before the host's
        // capacity was known, or restored onto a smaller host) still gets the engine's refusal as its release's reason.
        var app = await Api.CreateAppAsync(PlatformApi.UniqueName("cpus"));
        await using (var db = Npgsql.NpgsqlDataSource.Create(Contracts.Hosting.DatabaseConnectionString.Normalize(Platform.DatabaseUrl)))
        await using (var connection = await db.OpenConnectionAsync())
            await connection.ExecuteAsync("UPDATE apps SET cpus = @cpus WHERE id = @id", new { cpus = (double)cpus, id = app.Id });

        var deploy = await Api.DeployAsync(app.Id, Platform.HelloImage);
        var release = await WaitForReleaseAsync(app.Id, deploy.Release!.Id, ReleaseStatus.Failed);

        release.FailureReason.Should().Contain("refused to create").And.Contain("CPUs");
        await Eventually.UntilAsync(async () => (await Api.GetAppAsync(app.Id))!.Status == AppStatus.Failed, PlatformApi.ConvergeTimeout, "the app shows it failed");
        (await Api.GetAppAsync(app.Id))!.LastError.Should().Contain("CPUs");
        (await Api.GetThroughProxyAsync(app.GeneratedHostname)).Status.Should().Be(HttpStatusCode.ServiceUnavailable);
    }

    [Test]
    public async Task Deploy_OfAReleaseThatNeverPassesItsHealthCheck_FailsAtTheDeadline()
    {
        var response = await Api.Http.PostAsJsonAsync("/api/apps", new CreateAppRequest(PlatformApi.UniqueName("unhealthy"),
            HealthCheck: new HealthCheckSettings(Path: "/healthz", DeployDeadlineSeconds: 5)));
        var app = (await response.Content.ReadFromJsonAsync<AppResponse>())!;

        var deploy = await Api.DeployAsync(app.Id, Platform.HelloImage);
        var release = await WaitForReleaseAsync(app.Id, deploy.Release!.Id, ReleaseStatus.Failed);

        release.FailureReason.Should().Contain("/healthz").And.Contain("5s");
        (await Api.GetAppAsync(app.Id))!.Status.Should().Be(AppStatus.Failed);
        (await Api.GetThroughProxyAsync(app.GeneratedHostname)).Status.Should().Be(HttpStatusCode.ServiceUnavailable);
    }

    [Test]
    public async Task EnvChange_MakesANewReleaseWithTheNewSnapshot_AndRollbackRestoresTheOldImageAndEnv()
    {
        var app = await DeployHelloAsync("rollback", "one");
        var first = (await Api.GetAppAsync(app.Id))!.CurrentRelease!;

        var change = await Api.SetEnvAsync(app.Id, new Dictionary<string, string?> { ["GREETING"] = "two", ["EXTRA"] = "x" });
        await Api.WaitForAsync(app.Id, change.Generation, AppStatus.Running);
        (await Api.GetThroughProxyAsync(app.GeneratedHostname)).Body.Should().Contain("greeting=two", "the env change rolled out");
        var releases = await Api.GetAsync<IReadOnlyList<ReleaseResponse>>($"/api/apps/{app.Id}/releases");
        releases[0].Reason.Should().Be(ReleaseReasons.EnvChange);
        releases[0].EnvKeys.Should().Equal("EXTRA", "GREETING");
        releases[0].ImageDigest.Should().Be(first.ImageDigest);
        releases[0].Image.Should().Be(Platform.HelloImage, "an env change names the image it runs, not only its digest");
        (await Api.GetAppAsync(app.Id))!.Image.Should().Be(Platform.HelloImage);

        var rollback = await Api.Http.PostAsJsonAsync($"/api/apps/{app.Id}/rollback", new RollbackRequest());
        rollback.StatusCode.Should().Be(HttpStatusCode.Accepted);
        var accepted = (await rollback.Content.ReadFromJsonAsync<AcceptedResponse>())!;
        await Api.WaitForAsync(app.Id, accepted.Generation, AppStatus.Running);

        (await Api.GetThroughProxyAsync(app.GeneratedHostname)).Body.Should().Contain("greeting=one");
        var rolledBack = (await Api.GetAppAsync(app.Id))!.CurrentRelease!;
        rolledBack.Reason.Should().Be(ReleaseReasons.Rollback);
        rolledBack.SourceReleaseId.Should().Be(first.Id);
        rolledBack.ImageDigest.Should().Be(first.ImageDigest);
        rolledBack.Image.Should().Be(Platform.HelloImage, "a rollback names the image it runs, not only its digest");
        rolledBack.EnvKeys.Should().Equal("GREETING");
        (await Api.GetAsync<IReadOnlyList<EnvVarResponse>>($"/api/apps/{app.Id}/env")).Select(e => e.Key).Should().Equal("GREETING");
    }

    [Test]
    public async Task Rollback_WithNothingEarlier_Answers409()
    {
        var app = await Api.CreateAppAsync(PlatformApi.UniqueName("norollback"));
        (await Api.Http.PostAsJsonAsync($"/api/apps/{app.Id}/rollback", new RollbackRequest())).StatusCode.Should().Be(HttpStatusCode.Conflict);
        (await Api.Http.PostAsJsonAsync($"/api/apps/{app.Id}/rollback", new RollbackRequest(Guid.NewGuid()))).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Test]
    public async Task Deploys_InQuickSuccession_AreSerializedAndTheLatestWins()
    {
        var app = await Api.CreateAppAsync(PlatformApi.UniqueName("latest"));
        AcceptedResponse last = null!;
        foreach (var greeting in new[] { "a", "b", "c" })
        {
            await Api.SetEnvAsync(app.Id, new Dictionary<string, string?> { ["GREETING"] = greeting });
            last = await Api.DeployAsync(app.Id, Platform.HelloImage);
        }

        var running = await Api.WaitForAsync(app.Id, last.Generation, AppStatus.Running);
        running.CurrentRelease!.Id.Should().Be(last.Release!.Id);
        (await Api.GetThroughProxyAsync(app.GeneratedHostname)).Body.Should().Contain("greeting=c");
        var releases = await Api.GetAsync<IReadOnlyList<ReleaseResponse>>($"/api/apps/{app.Id}/releases");
        releases.Where(r => r.Id != last.Release.Id).Should().OnlyContain(r => r.Status == ReleaseStatus.Cancelled || r.Status == ReleaseStatus.Superseded);
        await Eventually.UntilAsync(async () => (await PlatformDocker.RunningContainersAsync(Platform, app.Id)).Count == 1,
            PlatformApi.ConvergeTimeout, "nothing is orphaned");
    }

    private async Task<AppResponse> DeployHelloAsync(string prefix, string greeting)
    {
        var app = await Api.CreateAppAsync(PlatformApi.UniqueName(prefix));
        await Api.SetEnvAsync(app.Id, new Dictionary<string, string?> { ["GREETING"] = greeting });
        var deploy = await Api.DeployAsync(app.Id, Platform.HelloImage);
        await Api.WaitForAsync(app.Id, deploy.Generation, AppStatus.Running);
        return app;
    }

    private async Task<ReleaseResponse> WaitForReleaseAsync(Guid appId, Guid releaseId, string status)
    {
        ReleaseResponse? release = null;
        await Eventually.UntilAsync(async () =>
        {
            release = (await Api.GetAsync<IReadOnlyList<ReleaseResponse>>($"/api/apps/{appId}/releases")).SingleOrDefault(r => r.Id == releaseId);
            return release?.Status == status;
        }, PlatformApi.ConvergeTimeout, () => $"release {releaseId} becomes {status} (last: {release?.Status})");
        return release!;
    }
}
