using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Docker.DotNet.Models;
using PersonalCloud.Contracts.Api;
using PersonalCloud.Contracts.Apps;
using PersonalCloud.Contracts.Labels;
using PersonalCloud.Integration.Tests.Support;

namespace PersonalCloud.Integration.Tests.Platform;

/// <summary>Deploy from source: a tar.gz build context or a git repository, built by the engine into the release's image.</summary>
[Category("Integration")]
public sealed class SourceDeployTests : PlatformTest
{
    private readonly List<Guid> _apps = [];
    private readonly List<DirectoryInfo> _repositories = [];

    [TearDown]
    public async Task TearDown()
    {
        // NUnit keeps one instance for all tests of the class: empty the lists for the next one.
        foreach (var repository in _repositories)
            repository.Delete(recursive: true);
        _repositories.Clear();
        foreach (var appId in _apps)
            await RemoveAppAndImagesAsync(appId);
        _apps.Clear();
    }

    [Test]
    public async Task Deploy_OfATarGzBuildContext_BuildsIt_ServesIt_AndKeepsTheBuildLog()
    {
        var app = await CreateAppAsync("fromtgz");
        var body = $"built-from-archive-{Guid.NewGuid():N}";

        var deploy = await DeployArchiveAsync(app.Id, SourceContexts.TarGz(SourceContexts.WithBusybox(SourceContexts.ServingDockerfile(body))));
        deploy.Release!.SourceKind.Should().Be(ReleaseSources.Archive);
        var running = await Api.WaitForAsync(app.Id, deploy.Generation, AppStatus.Running);

        (await Api.GetThroughProxyAsync(app.GeneratedHostname)).Body.Should().Contain(body);
        running.CurrentRelease!.Id.Should().Be(deploy.Release.Id);
        running.CurrentRelease.SourceKind.Should().Be(ReleaseSources.Archive);
        running.CurrentRelease.ImageDigest.Should().StartWith("sha256:");
        var log = await BuildLogAsync(app.Id, deploy.Release.Id);
        log.Should().Contain("Step 1/").And.Contain("COPY busybox /bin/busybox");
    }

    [Test]
    public async Task Deploy_OfAGitRepositoryBranch_BuildsAndServesIt()
    {
        var app = await CreateAppAsync("fromgit");
        var repository = NewRepository();
        var body = $"built-from-git-{Guid.NewGuid():N}";
        await SourceContexts.CommitAsync(repository, SourceContexts.WithBusybox(SourceContexts.ServingDockerfile(body)), "serve");

        var deploy = await DeployGitAsync(app.Id, new Uri(repository).AbsoluteUri, "main");
        var running = await Api.WaitForAsync(app.Id, deploy.Generation, AppStatus.Running);

        (await Api.GetThroughProxyAsync(app.GeneratedHostname)).Body.Should().Contain(body);
        running.CurrentRelease!.SourceKind.Should().Be(ReleaseSources.Git);
        running.CurrentRelease.ImageDigest.Should().StartWith("sha256:");
        (await BuildLogAsync(app.Id, deploy.Release!.Id)).Should().Contain("Cloning into").And.Contain("Step 1/");
    }

    [Test]
    public async Task Deploy_OfAGitBranch_NamesItsUrlRefCommitAndTag_AndSoDoesAnEnvChangeOfIt()
    {
        var app = await CreateAppAsync("gitnames");
        var repository = NewRepository();
        var commit = await SourceContexts.CommitAsync(repository, SourceContexts.WithBusybox(SourceContexts.ServingDockerfile("named")), "named");
        var url = new Uri(repository).AbsoluteUri;

        var deploy = await DeployGitAsync(app.Id, url, "main");
        await Api.WaitForAsync(app.Id, deploy.Generation, AppStatus.Running);
        var change = await Api.SetEnvAsync(app.Id, new Dictionary<string, string?> { ["GREETING"] = "x" });
        await Api.WaitForAsync(app.Id, change.Generation, AppStatus.Running);

        var releases = await Api.GetAsync<IReadOnlyList<ReleaseResponse>>($"/api/apps/{app.Id}/releases");
        var built = releases.Single(r => r.Id == deploy.Release!.Id);
        var changed = releases.Single(r => r.Id == change.Release!.Id);
        (built.GitUrl, built.GitRef, built.GitCommit).Should().Be((url, "main", commit));
        built.Image.Should().StartWith($"pcloud-build/{app.Name}:");
        built.ImageDigest.Should().StartWith("sha256:");
        changed.Reason.Should().Be(ReleaseReasons.EnvChange);
        (changed.SourceKind, changed.Image, changed.ImageDigest).Should().Be((ReleaseSources.Git, built.Image, built.ImageDigest));
        (changed.GitUrl, changed.GitRef, changed.GitCommit).Should().Be((url, "main", commit));
        (await BuildLogAsync(app.Id, built.Id)).Should().Contain($"Checked out commit {commit}");
    }

    [Test]
    public async Task Deploy_OfAGitCommitId_BuildsThatCommitNotTheBranchHead()
    {
        var app = await CreateAppAsync("gitsha");
        var repository = NewRepository();
        var first = await SourceContexts.CommitAsync(repository, SourceContexts.WithBusybox(SourceContexts.ServingDockerfile("first-commit")), "one");
        await SourceContexts.CommitAsync(repository, SourceContexts.WithBusybox(SourceContexts.ServingDockerfile("second-commit")), "two");

        var deploy = await DeployGitAsync(app.Id, new Uri(repository).AbsoluteUri, first);
        await Api.WaitForAsync(app.Id, deploy.Generation, AppStatus.Running);

        (await Api.GetThroughProxyAsync(app.GeneratedHostname)).Body.Should().Contain("first-commit");
    }

    [Test]
    public async Task BuildOfAFailedRelease_AskedForAgain_IsNotStarted_AndItsLogIsKept()
    {
        // A pass that read the release just before its build failed asks the queue for it once more: that build must not
        // start over and empty the failed build's log (full-suite run: the app's last lines were read empty).
        var app = await CreateAppAsync("failedonce");
        var broken = SourceContexts.ServingDockerfile("never").Replace("EXPOSE 8080", "RUN [\"/bin/false\"]", StringComparison.Ordinal);
        var deploy = await DeployArchiveAsync(app.Id, SourceContexts.TarGz(SourceContexts.WithBusybox(broken)));
        await WaitForReleaseAsync(app.Id, deploy.Release!.Id, ReleaseStatus.Failed);

        await using var db = Npgsql.NpgsqlDataSource.Create(Contracts.Hosting.DatabaseConnectionString.Normalize(Platform.DatabaseUrl));
        (await new Reconciler.Builds.BuildStore(db).StartAsync(deploy.Release.Id, CancellationToken.None)).Should().BeFalse("the release has failed");

        (await BuildLogAsync(app.Id, deploy.Release.Id)).Should().Contain("build failed").And.Contain("/bin/false");
        (await Api.GetAppAsync(app.Id))!.LastFailedRelease!.LastLines.Should().Contain(l => l.StartsWith("build failed", StringComparison.Ordinal));
    }

    [Test]
    public async Task Deploy_OfABrokenBuild_FailsTheRelease_KeepsTheOldServing_AndKeepsTheLog()
    {
        var app = await CreateAppAsync("brokenbuild");
        await Api.SetEnvAsync(app.Id, new Dictionary<string, string?> { ["GREETING"] = "still-here" });
        var good = await Api.DeployAsync(app.Id, Platform.HelloImage);
        await Api.WaitForAsync(app.Id, good.Generation, AppStatus.Running);

        var broken = SourceContexts.ServingDockerfile("never").Replace("EXPOSE 8080", "RUN [\"/bin/false\"]", StringComparison.Ordinal);
        var deploy = await DeployArchiveAsync(app.Id, SourceContexts.TarGz(SourceContexts.WithBusybox(broken)));
        var release = await WaitForReleaseAsync(app.Id, deploy.Release!.Id, ReleaseStatus.Failed);

        release.FailureReason.Should().StartWith("build failed").And.Contain("/bin/false");
        release.FailedStage.Should().Be(ReleaseStages.Building);
        (await Api.GetThroughProxyAsync(app.GeneratedHostname)).Body.Should().Contain("greeting=still-here");
        var status = await Api.GetAppAsync(app.Id);
        status!.CurrentRelease!.Id.Should().Be(good.Release!.Id);
        status.LastFailedRelease!.Release.Id.Should().Be(deploy.Release.Id);
        status.LastFailedRelease.LastLines.Should().Contain(l => l.StartsWith("build failed", StringComparison.Ordinal), "a failed build's last lines are its build log's");
        (await BuildLogAsync(app.Id, deploy.Release.Id)).Should().Contain("Step 1/").And.Contain("returned a non-zero code");
    }

    [Test]
    public async Task Deploy_OfAGitRefThatDoesNotExist_FailsTheReleaseWithGitsReason()
    {
        var app = await CreateAppAsync("gitnoref");
        var repository = NewRepository();
        await SourceContexts.CommitAsync(repository, SourceContexts.WithBusybox(SourceContexts.ServingDockerfile("x")), "x");

        var deploy = await DeployGitAsync(app.Id, new Uri(repository).AbsoluteUri, "no-such-branch");
        var release = await WaitForReleaseAsync(app.Id, deploy.Release!.Id, ReleaseStatus.Failed);

        release.FailureReason.Should().StartWith("build failed").And.Contain("no-such-branch");
        (await BuildLogAsync(app.Id, deploy.Release.Id)).Should().Contain("no-such-branch");
        // The build queue fails the release; the app's next pass reports it (status is eventually consistent).
        await Eventually.UntilAsync(async () => (await Api.GetAppAsync(app.Id))!.Status == AppStatus.Failed,
            PlatformApi.ConvergeTimeout, "the app shows its only release failed");
    }

    [TestCase("not gzip at all", TestName = "Deploy_OfABodyThatIsNotGzip_Answers400AndMakesNoRelease")]
    [TestCase(null, TestName = "Deploy_OfATarGzWithoutADockerfile_Answers400AndMakesNoRelease")]
    public async Task Deploy_OfABadArchive_Answers400AndMakesNoRelease(string? rawBody)
    {
        var app = await CreateAppAsync("badtgz");
        var bytes = rawBody is null
            ? SourceContexts.TarGz(new Dictionary<string, byte[]> { ["README"] = "no Dockerfile here"u8.ToArray() })
            : Encoding.UTF8.GetBytes(rawBody);
        using var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/gzip");

        var response = await Api.Http.PostAsync($"/api/apps/{app.Id}/deploy", content);

        await ShouldBeBadRequestWithoutReleaseAsync(response, app.Id);
    }

    [TestCase("ftp://x/repo.git", "main", TestName = "Deploy_OfAGitUrlWithAnUnsupportedScheme_Answers400AndMakesNoRelease")]
    [TestCase("file:///tmp/repo", "--upload-pack=x", TestName = "Deploy_OfAGitRefThatIsAnOption_Answers400AndMakesNoRelease")]
    public async Task Deploy_OfABadGitSource_Answers400AndMakesNoRelease(string url, string reference)
    {
        var app = await CreateAppAsync("badgit");

        var response = await Api.Http.PostAsJsonAsync($"/api/apps/{app.Id}/deploy", new DeployRequest(Git: new GitSource(url, reference)));

        await ShouldBeBadRequestWithoutReleaseAsync(response, app.Id);
    }

    private async Task ShouldBeBadRequestWithoutReleaseAsync(HttpResponseMessage response, Guid appId)
    {
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest, await response.Content.ReadAsStringAsync());
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        (await Api.GetAsync<IReadOnlyList<ReleaseResponse>>($"/api/apps/{appId}/releases")).Should().BeEmpty();
    }

    private async Task<AppResponse> CreateAppAsync(string prefix)
    {
        var app = await Api.CreateAppAsync(PlatformApi.UniqueName(prefix));
        _apps.Add(app.Id);
        return app;
    }

    private string NewRepository()
    {
        var directory = Directory.CreateTempSubdirectory("pcloud-source-repo-");
        _repositories.Add(directory);
        return directory.FullName;
    }

    private async Task<AcceptedResponse> DeployArchiveAsync(Guid appId, byte[] archive)
    {
        using var content = new ByteArrayContent(archive);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/gzip");
        var response = await Api.Http.PostAsync($"/api/apps/{appId}/deploy", content);
        response.StatusCode.Should().Be(HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<AcceptedResponse>())!;
    }

    private async Task<AcceptedResponse> DeployGitAsync(Guid appId, string url, string reference)
    {
        var response = await Api.Http.PostAsJsonAsync($"/api/apps/{appId}/deploy", new DeployRequest(Git: new GitSource(url, reference)));
        response.StatusCode.Should().Be(HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<AcceptedResponse>())!;
    }

    private Task<string> BuildLogAsync(Guid appId, Guid releaseId) => Api.GetAsync<string>($"/api/apps/{appId}/releases/{releaseId}/build-log");

    private async Task<ReleaseResponse> WaitForReleaseAsync(Guid appId, Guid releaseId, string status)
    {
        ReleaseResponse? release = null;
        await Eventually.UntilAsync(async () =>
        {
            release = (await Api.GetAsync<IReadOnlyList<ReleaseResponse>>($"/api/apps/{appId}/releases")).SingleOrDefault(r => r.Id == releaseId);
            return release?.Status == status;
        }, PlatformApi.ConvergeTimeout, $"release {releaseId} becomes {status} (last: {release?.Status}, {release?.FailureReason})");
        return release!;
    }

    /// <summary>Deletes the app and waits until its containers and the images its source deploys built are gone (the platform removes both).</summary>
    private async Task RemoveAppAndImagesAsync(Guid appId)
    {
        await Api.Http.DeleteAsync($"/api/apps/{appId}");
        await Eventually.UntilAsync(async () => (await PlatformDocker.AllContainersAsync(Platform, appId)).Count == 0,
            PlatformApi.ConvergeTimeout, $"the containers of app {appId} are removed");
        await Eventually.UntilAsync(async () => (await Platform.Docker.Images.ListImagesAsync(new ImagesListParameters
        {
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [$"{ContainerLabels.AppId}={appId}"] = true } },
        })).Count == 0, PlatformApi.ConvergeTimeout, $"the images built for app {appId} are removed with it");
    }
}
