using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using PersonalCloud.Contracts.Api;
using PersonalCloud.Contracts.Apps;
using PersonalCloud.Contracts.Processes;
using PersonalCloud.Integration.Tests.Support;

namespace PersonalCloud.Integration.Tests.Platform;

/// <summary>A build context with a Procfile declares the release's processes and its release command.</summary>
[Category("Integration")]
public sealed class ProcfileDeployTests : PlatformTest
{
    private const string Dockerfile = """
        FROM scratch
        COPY busybox /bin/busybox
        RUN ["/bin/busybox", "--install", "-s", "/bin"]
        EXPOSE 8080
        CMD ["sh", "-c", "echo the image CMD runs; sleep 3600"]
        """;

    [Test]
    public async Task Procfile_DeclaresTheWebCommandAWorkerAndTheReleaseCommand()
    {
        var files = SourceContexts.WithBusybox(Dockerfile);
        files["Procfile"] = Encoding.UTF8.GetBytes("""
            # processes of this app
            web: mkdir -p /tmp/www && echo from-procfile > /tmp/www/index.html && exec httpd -f -p 8080 -h /tmp/www
            clock: while true; do echo tick; sleep 1; done
            release: echo procfile-release-ran
            """);
        var app = await Api.CreateAppAsync(PlatformApi.UniqueName("procfile"));
        using var content = new ByteArrayContent(SourceContexts.TarGz(files));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/gzip");
        var response = await Api.Http.PostAsync($"/api/apps/{app.Id}/deploy", content);
        response.StatusCode.Should().Be(HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        var deploy = (await response.Content.ReadFromJsonAsync<AcceptedResponse>())!;

        var processes = await new ProcessesApi(Api).WaitAllRunningAsync(app.Id, deploy.Generation);

        processes.Select(p => (p.Name, p.Kind, p.CommandSource, p.DeclaredBy)).Should().Equal(
            ("web", ProcessKinds.Web, CommandSources.Procfile, "api+procfile"),
            ("clock", ProcessKinds.Worker, CommandSources.Procfile, "procfile"));
        (await Api.GetThroughProxyAsync(app.GeneratedHostname)).Body.Should().Be("from-procfile\n", "the API's web process runs the Procfile's command");
        var release = (await Api.GetAppAsync(app.Id))!.CurrentRelease!;
        release.ReleaseCommand.Should().Be("echo procfile-release-ran");
        release.Processes.Should().Equal("web", "clock");
        release.Stages!.Select(s => s.Name).Should().Contain(ReleaseStages.ReleaseCommand);
        await Eventually.UntilAsync(async () => (await Api.Http.GetStringAsync($"/api/apps/{app.Id}/logs?q=procfile-release-ran")).Contains("procfile-release-ran", StringComparison.Ordinal),
            PlatformApi.ConvergeTimeout, "the Procfile's release command ran before the processes");
        var buildLog = await Api.GetAsync<string>($"/api/apps/{app.Id}/releases/{deploy.Release!.Id}/build-log");
        buildLog.Should().Contain("Procfile declares: clock, release, web");

        // A scale reaches a process only the Procfile declares.
        var scaled = await new ProcessesApi(Api).ScaleAsync(app.Id, new Dictionary<string, int> { ["clock"] = 0 });
        var after = await new ProcessesApi(Api).WaitAllRunningAsync(app.Id, scaled.Generation);
        after.Single(p => p.Name == "clock").Replicas.Should().Be(0);
    }

    [Test]
    public async Task ProcfileThatCannotBeUsed_FailsTheBuildNamingTheLine()
    {
        var files = SourceContexts.WithBusybox(Dockerfile);
        files["Procfile"] = Encoding.UTF8.GetBytes("web: ./serve\nBad_Name: ./x\n");
        var app = await Api.CreateAppAsync(PlatformApi.UniqueName("badprocfile"));
        using var content = new ByteArrayContent(SourceContexts.TarGz(files));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/gzip");
        var deploy = (await (await Api.Http.PostAsync($"/api/apps/{app.Id}/deploy", content)).Content.ReadFromJsonAsync<AcceptedResponse>())!;

        ReleaseResponse? release = null;
        await Eventually.UntilAsync(async () =>
        {
            release = await Api.GetAsync<ReleaseResponse>($"/api/apps/{app.Id}/releases/{deploy.Release!.Id}");
            return release.Status == ReleaseStatus.Failed;
        }, PlatformApi.ConvergeTimeout, "the release fails");
        release!.FailedStage.Should().Be(ReleaseStages.Building);
        release.FailureReason.Should().Contain("Procfile line 2: 'Bad_Name' is not a process name");
    }
}
