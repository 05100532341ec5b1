using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Docker.DotNet.Models;
using PersonalCloud.Contracts.Api;
using PersonalCloud.Contracts.Apps;
using PersonalCloud.Contracts.Labels;
using PersonalCloud.Integration.Tests.Support;

namespace PersonalCloud.Integration.Tests.Platform;

/// <summary>
/// Images built from source are removed once no longer needed, against the real engine: the serving release's and
/// the app's most recent few (PCLOUD_BUILD_IMAGES_KEPT, default 3) stay, older ones go, and all of them go with the app.
/// </summary>
[Category("Integration")]
public sealed class BuildImageCollectionTests : PlatformTest
{
    private const int Kept = 3;
    private static readonly TimeSpan CollectTimeout = TimeSpan.FromSeconds(60);

    [Test]
    public async Task DeletingAnApp_RemovesEveryImageItsSourceDeploysBuilt()
    {
        var app = await Api.CreateAppAsync(PlatformApi.UniqueName("gcdelete"));
        await DeployAndWaitAsync(app.Id, "first");
        await DeployAndWaitAsync(app.Id, "second");
        (await ImagesAsync(app.Id)).Should().HaveCount(2, "each source deploy built its own image");

        (await Api.Http.DeleteAsync($"/api/apps/{app.Id}")).StatusCode.Should().Be(HttpStatusCode.Accepted);

        await Eventually.UntilAsync(async () => (await ImagesAsync(app.Id)).Count == 0, CollectTimeout,
            $"the images built for app {app.Id} are removed with it");
    }

    [Test]
    public async Task SourceDeploys_KeepTheMostRecentImages_AndRemoveOlderOnes()
    {
        var app = await Api.CreateAppAsync(PlatformApi.UniqueName("gckeep"));
        var releases = new List<Guid>();
        for (var i = 0; i <= Kept; i++)
            releases.Add(await DeployAndWaitAsync(app.Id, $"build-{i}"));

        IList<ImagesListResponse> images = [];
        await Eventually.UntilAsync(async () => (images = await ImagesAsync(app.Id)).Count == Kept, CollectTimeout,
            () => $"only the {Kept} most recent build images stay (now: {string.Join(", ", images.SelectMany(i => i.RepoTags ?? []))})");
        images.Select(ReleaseOf).Should().BeEquivalentTo(releases.Skip(1), "the oldest image went, the serving one and the two before it stay");
        var events = await Api.GetAsync<IReadOnlyList<AppEventResponse>>($"/api/apps/{app.Id}/events");
        events.Should().ContainSingle(e => e.Action == "RemoveBuildImage").Which.ReleaseId.Should().Be(releases[0], "the removal is journaled");

        (await Api.Http.DeleteAsync($"/api/apps/{app.Id}")).StatusCode.Should().Be(HttpStatusCode.Accepted);
        await Eventually.UntilAsync(async () => (await ImagesAsync(app.Id)).Count == 0, CollectTimeout, "the rest go with the app");
    }

    private async Task<Guid> DeployAndWaitAsync(Guid appId, string body)
    {
        using var content = new ByteArrayContent(SourceContexts.TarGz(SourceContexts.WithBusybox(SourceContexts.ServingDockerfile($"{body}-{Guid.NewGuid():N}"))));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/gzip");
        var response = await Api.Http.PostAsync($"/api/apps/{appId}/deploy", content);
        response.StatusCode.Should().Be(HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        var deploy = (await response.Content.ReadFromJsonAsync<AcceptedResponse>())!;
        var running = await Api.WaitForAsync(appId, deploy.Generation, AppStatus.Running);
        running.CurrentRelease!.Id.Should().Be(deploy.Release!.Id);
        return deploy.Release.Id;
    }

    private Task<IList<ImagesListResponse>> ImagesAsync(Guid appId) =>
        Platform.Docker.Images.ListImagesAsync(new ImagesListParameters
        {
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [$"{ContainerLabels.AppId}={appId}"] = true } },
        });

    private static Guid ReleaseOf(ImagesListResponse image) => Guid.Parse(image.Labels[ContainerLabels.ReleaseId]);
}
