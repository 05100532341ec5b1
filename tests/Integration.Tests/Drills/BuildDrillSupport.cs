using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Docker.DotNet.Models;
using PersonalCloud.Contracts.Api;
using PersonalCloud.Contracts.Labels;
using PersonalCloud.Integration.Tests.Support;

namespace PersonalCloud.Integration.Tests.Platform.Drills;

/// <summary>Source deploys for the build drills: a busybox build context with extra RUN lines, its release and its build log.</summary>
public sealed class BuildDrillSupport(PlatformFixture platform, PlatformApi api)
{
    /// <summary>busybox httpd on 8080 after <paramref name="runLines"/>; a nonce keeps the engine's step cache from skipping them.</summary>
    public static string Dockerfile(params string[] runLines) => string.Join('\n',
        [
            "FROM scratch",
            "COPY busybox /bin/busybox",
            """RUN ["/bin/busybox", "--install", "-s", "/bin"]""",
            .. runLines.Select(l => $"RUN echo nonce-{Guid.NewGuid():N} && {l}"),
            "EXPOSE 8080",
            """CMD ["sh", "-c", "mkdir -p /tmp/www && echo ok > /tmp/www/index.html && exec httpd -f -p 8080 -h /tmp/www"]""",
        ]);

    public async Task<AcceptedResponse> DeployAsync(Guid appId, string dockerfile)
    {
        using var content = new ByteArrayContent(SourceContexts.TarGz(SourceContexts.WithBusybox(dockerfile)));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/gzip");
        var response = await api.Http.PostAsync($"/api/apps/{appId}/deploy", content);
        response.StatusCode.Should().Be(HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<AcceptedResponse>())!;
    }

    public Task<string> BuildLogAsync(Guid appId, Guid releaseId) => api.GetAsync<string>($"/api/apps/{appId}/releases/{releaseId}/build-log");

    public async Task<ReleaseResponse> ReleaseAsync(Guid appId, Guid releaseId) =>
        (await api.GetAsync<IReadOnlyList<ReleaseResponse>>($"/api/apps/{appId}/releases")).Single(r => r.Id == releaseId);

    /// <summary>Waits until the release's build log is kept (the build ended, ok or failed) and returns it.</summary>
    public async Task<string> FinishedBuildLogAsync(Guid appId, Guid releaseId, TimeSpan timeout)
    {
        var log = "";
        await Eventually.UntilAsync(async () =>
        {
            var response = await api.Http.GetAsync($"/api/apps/{appId}/releases/{releaseId}/build-log");
            if (response.StatusCode != HttpStatusCode.OK)
                return false;
            log = (await response.Content.ReadFromJsonAsync<string>())!;
            return log.Contains("Successfully built", StringComparison.Ordinal) || log.Contains("build failed:", StringComparison.Ordinal);
        }, timeout, () => $"the build of release {releaseId} ends (log so far: {log[Math.Max(0, log.Length - 400)..]})");
        return log;
    }

    /// <summary>Deletes the app and waits until its containers and the images its source deploys built are gone (the platform removes both).</summary>
    public async Task RemoveAppAndImagesAsync(Guid appId)
    {
        await api.Http.DeleteAsync($"/api/apps/{appId}");
        await Eventually.UntilAsync(async () => (await PlatformDocker.AllContainersAsync(platform, appId)).Count == 0,
            PlatformApi.ConvergeTimeout, $"the containers of app {appId} are removed");
        await Eventually.UntilAsync(async () => (await platform.Docker.Images.ListImagesAsync(new ImagesListParameters
        {
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [$"{ContainerLabels.AppId}={appId}"] = true } },
        })).Count == 0, PlatformApi.ConvergeTimeout, $"the images built for app {appId} are removed with it");
    }
}
