using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using PersonalCloud.Contracts.Api;
using PersonalCloud.Contracts.Apps;
using PersonalCloud.Integration.Tests.Support;

namespace PersonalCloud.Integration.Tests.Platform;

/// <summary>A deploy says where it is: stages with times, over the API and live, with the build log readable while it builds.</summary>
[Category("Integration")]
public sealed class DeployProgressTests : PlatformTest
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private static readonly TimeSpan EventTimeout = PlatformApi.ConvergeTimeout;
    private readonly List<Guid> _apps = [];

    [TearDown]
    public async Task DeleteAppsAsync()
    {
        foreach (var appId in _apps)
            await Api.Http.DeleteAsync($"/api/apps/{appId}");
        _apps.Clear();
    }

    [Test]
    public async Task SourceDeploy_OverARunningRelease_StreamsEveryStageAndItsBuildLogWhileItBuilds()
    {
        var app = await CreateAppAsync("progress");
        var first = await Api.DeployAsync(app.Id, Platform.HelloImage);
        await Api.WaitForAsync(app.Id, first.Generation, AppStatus.Running);
        var build = new BlockingBuild();

        var deploy = await DeployArchiveAsync(app.Id, build.Archive());
        var releaseId = deploy.Release!.Id;
        deploy.Release.Stage.Should().Be(ReleaseStages.Queued);
        await using var stream = await SseClient.ConnectAsync(Platform.Api.BaseAddress!, Platform.ApiToken, $"/api/apps/{app.Id}/releases/{releaseId}/progress");
        stream.Response.Content.Headers.ContentType!.MediaType.Should().Be("text/event-stream");
        var progress = new Progress();
        await progress.ReadUntilAsync(stream, () => progress.Log.ToString().Contains(build.StartedLine, StringComparison.Ordinal));

        // The build waits in its RUN step: the release, the app and the build log all say it is building.
        var building = await Api.GetAsync<ReleaseResponse>($"/api/apps/{app.Id}/releases/{releaseId}");
        (building.Status, building.Stage).Should().Be((ReleaseStatus.Building, ReleaseStages.Building));
        progress.Releases[^1].Stage.Should().Be(ReleaseStages.Building);
        (await Api.GetAppAsync(app.Id))!.DeployingRelease!.Id.Should().Be(releaseId);
        var logWhileBuilding = await Api.GetAsync<string>($"/api/apps/{app.Id}/releases/{releaseId}/build-log");
        logWhileBuilding.Should().Contain(build.StartedLine).And.NotContain(build.ReleasedLine);

        await build.ReleaseAsync(Platform);
        await progress.ReadUntilAsync(stream, () => progress.End is not null);

        progress.End!.Value.GetProperty("status").GetString().Should().Be(ReleaseStatus.Active);
        progress.End.Value.GetProperty("stage").GetString().Should().Be(ReleaseStages.Live);
        progress.Log.ToString().Should().Contain(build.ReleasedLine, "the rest of the build log streamed too");
        var live = progress.Releases[^1];
        live.Stages!.Select(s => s.Name).Should().Equal(
            ReleaseStages.Queued, ReleaseStages.Building, ReleaseStages.Starting, ReleaseStages.HealthChecking,
            ReleaseStages.Switching, ReleaseStages.Draining, ReleaseStages.Live);
        live.Stages!.Select(s => s.At).Should().BeInAscendingOrder();
        (await stream.NextAsync(EventTimeout)).Should().BeNull("the stream ends once the release is live");
        (await Api.GetThroughProxyAsync(app.GeneratedHostname)).Body.Should().Contain(build.ServedBody);
        (await Api.GetAppAsync(app.Id))!.DeployingRelease.Should().BeNull();
    }

    [Test]
    public async Task ImageDeploy_OfAFirstRelease_GoesLiveWithoutBuildingOrDraining()
    {
        var app = await CreateAppAsync("firststages");
        var deploy = await Api.DeployAsync(app.Id, Platform.HelloImage);
        await Api.WaitForAsync(app.Id, deploy.Generation, AppStatus.Running);

        ReleaseResponse? release = null;
        await Eventually.UntilAsync(async () =>
        {
            release = await Api.GetAsync<ReleaseResponse>($"/api/apps/{app.Id}/releases/{deploy.Release!.Id}");
            return release.Stage == ReleaseStages.Live;
        }, PlatformApi.ConvergeTimeout, () => $"the release is live (last: {release?.Stage})");

        release!.Stages!.Select(s => s.Name).Should().Equal(
            ReleaseStages.Queued, ReleaseStages.Starting, ReleaseStages.HealthChecking, ReleaseStages.Switching, ReleaseStages.Live);
        release.FailedStage.Should().BeNull();
        (await Api.Http.GetAsync($"/api/apps/{app.Id}/releases/{release.Id}/build-log")).StatusCode.Should().Be(HttpStatusCode.NotFound, "an image is not built here");

        // A settled release's stream says so at once and ends.
        await using var stream = await SseClient.ConnectAsync(Platform.Api.BaseAddress!, Platform.ApiToken, $"/api/apps/{app.Id}/releases/{release.Id}/progress");
        (await stream.TakeAsync(1, "end", EventTimeout)).Single().Data.Should().Contain("\"stage\":\"live\"");
    }

    [Test]
    public async Task Progress_OfAnUnknownRelease_Answers404() =>
        (await Api.Http.GetAsync($"/api/apps/{Guid.NewGuid()}/releases/{Guid.NewGuid()}/progress")).StatusCode.Should().Be(HttpStatusCode.NotFound);

    private async Task<AppResponse> CreateAppAsync(string prefix)
    {
        var app = await Api.CreateAppAsync(PlatformApi.UniqueName(prefix));
        _apps.Add(app.Id);
        return app;
    }

    private async Task<AcceptedResponse> DeployArchiveAsync(Guid appId, byte[] archive)
    {
        using var content = new ByteArrayContent(archive);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/gzip");
        var response = await Api.Http.PostAsync($"/api/apps/{appId}/deploy", content);
        response.StatusCode.Should().Be(HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<AcceptedResponse>(Json))!;
    }

    /// <summary>What a progress stream said so far: each release event, the build log as streamed, the end.</summary>
    private sealed class Progress
    {
        public List<ReleaseResponse> Releases { get; } = [];

        public StringBuilder Log { get; } = new();

        public JsonElement? End { get; private set; }

        public async Task<bool> ReadUntilAsync(SseClient stream, Func<bool> done)
        {
            while (!done())
            {
                var next = await stream.NextAsync(EventTimeout) ?? throw new InvalidOperationException("The progress stream ended early.");
                switch (next.Type)
                {
                    case "release":
                        Releases.Add(JsonSerializer.Deserialize<ReleaseResponse>(next.Data, Json)!);
                        break;
                    case "build-log":
                        var chunk = JsonSerializer.Deserialize<JsonElement>(next.Data);
                        if (chunk.GetProperty("reset").GetBoolean())
                            Log.Clear();
                        Log.Append(chunk.GetProperty("text").GetString());
                        next.Id.Should().Be(chunk.GetProperty("total").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture));
                        break;
                    case "end":
                        End = JsonSerializer.Deserialize<JsonElement>(next.Data);
                        break;
                }
            }

            return true;
        }
    }
}
