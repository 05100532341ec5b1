using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using PersonalCloud.Contracts.Api;
using PersonalCloud.Contracts.Apps;
using PersonalCloud.Integration.Tests.Support;

namespace PersonalCloud.Integration.Tests.Platform;

/// <summary>An app's settings change after creation (PATCH), validated as at creation and rolled out with zero downtime.</summary>
[Category("Integration")]
public sealed class AppSettingsTests : PlatformTest
{
    [Test]
    public async Task PatchSettings_OfARunningApp_RollsOutAsANewRelease_UnderLoad_WithNoFailedRequest()
    {
        var image = await KeepAliveImage.BuildAsync();
        var app = await Api.CreateAppAsync(PlatformApi.UniqueName("settings"));
        var first = await Api.DeployAsync(app.Id, image);
        await Api.WaitForAsync(app.Id, first.Generation, AppStatus.Running);

        using var load = new ProxyLoad(Platform.HttpPort, app.GeneratedHostname, 8);
        var patched = await PatchAsync(app.Id, """
            {"limits":{"memoryMb":192,"pids":300},"healthCheck":{"healthyThreshold":2},"rollout":{"drainSeconds":1}}
            """);
        patched.StatusCode.Should().Be(HttpStatusCode.Accepted, await patched.Content.ReadAsStringAsync());
        var accepted = (await patched.Content.ReadFromJsonAsync<AcceptedResponse>())!;
        accepted.Release!.Reason.Should().Be(ReleaseReasons.Settings);
        accepted.Release.Image.Should().Be(image, "a settings release runs the same image and says so");
        await Api.WaitForAsync(app.Id, accepted.Generation, AppStatus.Running);
        await Eventually.UntilAsync(async () => (await PlatformDocker.AllContainersAsync(Platform, app.Id)).Count == 1,
            PlatformApi.ConvergeTimeout, "the old container has drained and is gone");
        var result = await load.StopAsync();

        result.Failed.Should().Be(0, $"a settings change rolls out like a deploy (first failure: {result.FirstFailure})");
        result.Succeeded.Should().BeGreaterThan(100);
        var after = (await Api.GetAppAsync(app.Id))!;
        after.CurrentRelease!.Id.Should().Be(accepted.Release.Id);
        after.Limits.Should().Be(new AppLimitsResponse(192, 0.5, 300));
        after.HealthCheck!.HealthyThreshold.Should().Be(2);
        after.Rollout!.DrainSeconds.Should().Be(1);
        var inspect = await Platform.Docker.Containers.InspectContainerAsync((await PlatformDocker.RunningContainersAsync(Platform, app.Id)).Single().ID);
        inspect.HostConfig!.Memory.Should().Be(192L * 1024 * 1024);
        inspect.HostConfig.PidsLimit.Should().Be(300);
    }

    [Test]
    public async Task PatchSettings_ToWhatTheyAre_MakesNoRelease()
    {
        var app = await Api.CreateAppAsync(PlatformApi.UniqueName("same"), Platform.HelloImage);
        var releases = await Api.GetAsync<IReadOnlyList<ReleaseResponse>>($"/api/apps/{app.Id}/releases");

        var patched = await PatchAsync(app.Id, """{"limits":{"memoryMb":256},"securityProfile":"default"}""");

        patched.StatusCode.Should().Be(HttpStatusCode.Accepted);
        var accepted = (await patched.Content.ReadFromJsonAsync<AcceptedResponse>())!;
        accepted.Release.Should().BeNull();
        accepted.Generation.Should().Be(app.Generation);
        (await Api.GetAsync<IReadOnlyList<ReleaseResponse>>($"/api/apps/{app.Id}/releases")).Should().HaveCount(releases.Count);
    }

    [TestCase("""{"limits":{"cpus":CPUS}}""", "limits.cpus", TestName = "PatchSettings_WithMoreCpusThanTheHostHas_Answers400AndChangesNothing")]
    [TestCase("""{"port":70000}""", "port", TestName = "PatchSettings_WithAnInvalidPort_Answers400AndChangesNothing")]
    [TestCase("""{"healthCheck":{"path":"no-slash"}}""", "healthCheck.path", TestName = "PatchSettings_WithAnInvalidHealthPath_Answers400AndChangesNothing")]
    [TestCase("""{"securityProfile":"lax"}""", "securityProfile", TestName = "PatchSettings_WithAnUnknownProfile_Answers400AndChangesNothing")]
    public async Task PatchSettings_WithBadInput_Answers400AndChangesNothing(string body, string field)
    {
        var app = await Api.CreateAppAsync(PlatformApi.UniqueName("badpatch"));
        var patched = await PatchAsync(app.Id, body.Replace("CPUS", (Environment.ProcessorCount + 1).ToString(System.Globalization.CultureInfo.InvariantCulture)));

        patched.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var problem = await patched.Content.ReadFromJsonAsync<JsonElement>();
        problem.GetProperty("type").GetString().Should().EndWith("/validation");
        problem.GetProperty("errors").TryGetProperty(field, out _).Should().BeTrue(problem.ToString());
        var after = (await Api.GetAppAsync(app.Id))!;
        after.Generation.Should().Be(app.Generation);
        after.Limits.Should().Be(app.Limits);
        after.Port.Should().Be(app.Port);
    }

    [Test]
    public async Task PatchSettings_WithAFieldOnlyCreationTakes_Answers400()
    {
        var app = await Api.CreateAppAsync(PlatformApi.UniqueName("rootpatch"));

        var patched = await PatchAsync(app.Id, """{"runAsRoot":true}""");

        patched.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await patched.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type").GetString().Should().EndWith("/invalid-json");
        (await Api.GetAppAsync(app.Id))!.RunAsRoot.Should().BeFalse();
    }

    [Test]
    public async Task PatchSettings_OfAnUnknownApp_Answers404() =>
        (await PatchAsync(Guid.NewGuid(), """{"port":8080}""")).StatusCode.Should().Be(HttpStatusCode.NotFound);

    [Test]
    public async Task Deploy_OfAnImageThatExposesNoPort_FailsAtOnceSayingWhatToDo_ThenAPortPatchMakesItServe()
    {
        var image = await BehaviourImages.BuildNoExposeAsync(Platform.Docker);
        var app = await Api.CreateAppAsync(PlatformApi.UniqueName("noport"));
        var deploy = await Api.DeployAsync(app.Id, image);

        var failed = await Api.WaitForAsync(app.Id, deploy.Generation, AppStatus.Failed);
        failed.LastFailedRelease!.Release.FailureReason.Should().Contain("exposes none (no EXPOSE)").And.Contain("\"port\"");
        failed.LastFailedRelease.Release.FailedStage.Should().Be("starting");

        var patched = await PatchAsync(app.Id, """{"port":8080}""");
        patched.StatusCode.Should().Be(HttpStatusCode.Accepted);
        var accepted = (await patched.Content.ReadFromJsonAsync<AcceptedResponse>())!;
        await Api.WaitForAsync(app.Id, accepted.Generation, AppStatus.Running);
        (await Api.GetThroughProxyAsync(app.GeneratedHostname)).Body.Should().Contain("unexposed");
    }

    private Task<HttpResponseMessage> PatchAsync(Guid appId, string json) =>
        Api.Http.PatchAsync($"/api/apps/{appId}", new StringContent(json, Encoding.UTF8, "application/json"));
}
