using System.Net;
using System.Net.Http.Json;
using Docker.DotNet.Models;
using PersonalCloud.Contracts.Api;
using PersonalCloud.Contracts.Apps;
using PersonalCloud.Contracts.Labels;
using PersonalCloud.Contracts.Processes;
using PersonalCloud.Integration.Tests.Support;

namespace PersonalCloud.Integration.Tests.Platform;

/// <summary>Workers without a port, scaling, and the processes API's refusals, against the real engine.</summary>
[Category("Integration")]
public sealed class ProcessTests : PlatformTest
{
    private const string WorkingCommand = "echo worker-up; while true; do echo working; sleep 1; done";

    /// <summary>Runs until /tmp/die exists (the test makes it), then says why it stops and exits 3.</summary>
    private const string DyingCommand = "echo worker-up; while [ ! -f /tmp/die ]; do sleep 0.2; done; echo 'worker: giving up'; exit 3";

    private ProcessesApi Processes => new(Api);

    [Test]
    public async Task WorkerWithoutAPort_Runs_AndSurvivesARedeploy()
    {
        var app = await Processes.CreateAppAsync(PlatformApi.UniqueName("worker"), Platform.HelloImage,
            new ProcessRequest("worker", ProcessKinds.Worker, WorkingCommand));
        var first = await Processes.WaitAllRunningAsync(app.Id, app.Generation);

        var worker = first.Single();
        worker.Kind.Should().Be(ProcessKinds.Worker);
        worker.CommandSource.Should().Be(CommandSources.Api);
        var container = (await PlatformDocker.RunningContainersAsync(Platform, app.Id)).Single();
        container.Labels[ContainerLabels.Process].Should().Be("worker");
        container.Labels[ContainerLabels.ProcessKind].Should().Be(ProcessKinds.Worker);
        container.Labels[ContainerLabels.Kind].Should().Be(ContainerLabels.KindProcess);
        var inspected = await Platform.Docker.Containers.InspectContainerAsync(container.ID);
        inspected.Config!.Env.Should().NotContain(e => e.StartsWith("PORT=", StringComparison.Ordinal), "a worker has no port: nothing listens, nothing probes it");
        var live = (await Api.GetAppAsync(app.Id))!;
        live.CurrentRelease!.Status.Should().Be(ReleaseStatus.Active, "no health check gates a worker: its release went live");
        await Eventually.UntilAsync(async () => (await Api.Http.GetStringAsync($"/api/apps/{app.Id}/logs?q=worker-up")).Contains("worker-up", StringComparison.Ordinal),
            PlatformApi.ConvergeTimeout, "the worker's output goes through the log pipeline");

        var redeploy = await Api.DeployAsync(app.Id, Platform.HelloImage);
        var second = await Processes.WaitAllRunningAsync(app.Id, redeploy.Generation);

        second.Single().ReplicaStatus.Single().ReleaseId.Should().Be(redeploy.Release!.Id);
        await Eventually.UntilAsync(async () => (await PlatformDocker.AllContainersAsync(Platform, app.Id)).Count == 1,
            PlatformApi.ConvergeTimeout, "the old worker was stopped once the new one ran");
        var replaced = (await PlatformDocker.RunningContainersAsync(Platform, app.Id)).Single();
        replaced.ID.Should().NotBe(container.ID);
        replaced.Labels[ContainerLabels.ReleaseId].Should().Be(redeploy.Release.Id.ToString());
    }

    [Test]
    public async Task WorkerThatCrashes_IsCountedAndRestartedAfterItsBackoff()
    {
        var app = await Processes.CreateAppAsync(PlatformApi.UniqueName("dying"), Platform.HelloImage,
            new ProcessRequest("web", ProcessKinds.Web), new ProcessRequest("worker", ProcessKinds.Worker, DyingCommand));
        await Processes.WaitAllRunningAsync(app.Id, app.Generation);
        var worker = (await PlatformDocker.RunningContainersAsync(Platform, app.Id)).Single(c => c.Labels[ContainerLabels.Process] == "worker");

        await ExecAsync(worker.ID, "touch", "/tmp/die");

        ReplicaResponse? crashed = null;
        await Eventually.UntilAsync(async () =>
        {
            crashed = (await Processes.GetAsync(app.Id, "worker")).ReplicaStatus.Single();
            return crashed.CrashCount == 1 && crashed.Status == ReplicaStatuses.CrashLooping;
        }, PlatformApi.ConvergeTimeout, () => $"the crash is counted (last: {crashed})");
        crashed!.LastExitCode.Should().Be(3);
        crashed.LastReason.Should().Contain("worker: giving up");
        crashed.RestartNotBefore.Should().NotBeNull();
        (await Api.GetAppAsync(app.Id))!.Status.Should().Be(AppStatus.CrashLooping);
        (await Api.GetThroughProxyAsync(app.GeneratedHostname)).Status.Should().Be(HttpStatusCode.OK, "the web process keeps serving");

        ContainerListResponse? restarted = null;
        await Eventually.UntilAsync(async () =>
        {
            restarted = (await PlatformDocker.RunningContainersAsync(Platform, app.Id)).SingleOrDefault(c => c.Labels[ContainerLabels.Process] == "worker");
            return restarted is not null && restarted.ID != worker.ID;
        }, TimeSpan.FromSeconds(60), "the worker is started again once its backoff ends");
        // The list's Created is in whole seconds: the inspect has the engine's own timestamp.
        var created = (await Platform.Docker.Containers.InspectContainerAsync(restarted!.ID)).Created.ToUniversalTime();
        created.Should().BeOnOrAfter(crashed.RestartNotBefore!.Value.UtcDateTime, "not before its backoff ended");
        var after = await Processes.WaitAllRunningAsync(app.Id, app.Generation);
        after.Single(p => p.Name == "worker").ReplicaStatus.Single().RestartCount.Should().Be(1);
    }

    [Test]
    public async Task Scale_UpAndDown_WithoutANewRelease()
    {
        var app = await Processes.CreateAppAsync(PlatformApi.UniqueName("scale"), Platform.HelloImage,
            new ProcessRequest("web", ProcessKinds.Web), new ProcessRequest("worker", ProcessKinds.Worker, WorkingCommand));
        await Processes.WaitAllRunningAsync(app.Id, app.Generation);
        var releases = (await Api.GetAsync<IReadOnlyList<ReleaseResponse>>($"/api/apps/{app.Id}/releases")).Count;

        var up = await Processes.ScaleAsync(app.Id, new Dictionary<string, int> { ["web"] = 3, ["worker"] = 2 });
        up.Release.Should().BeNull("a scale is not a release");
        await Processes.WaitAllRunningAsync(app.Id, up.Generation);
        (await PlatformDocker.RunningContainersAsync(Platform, app.Id)).Should().HaveCount(5);
        var internals = await Api.GetAsync<AppInternalsResponse>($"/api/apps/{app.Id}/internals");
        internals.Route!.Upstreams.Should().HaveCount(3, "every healthy web replica is in the route");

        var down = await Processes.ScaleAsync(app.Id, new Dictionary<string, int> { ["web"] = 1, ["worker"] = 0 });
        await Processes.WaitAllRunningAsync(app.Id, down.Generation);
        await Eventually.UntilAsync(async () => (await PlatformDocker.AllContainersAsync(Platform, app.Id)).Count == 1,
            PlatformApi.ConvergeTimeout, "the extra replicas drained and went");
        (await Api.GetThroughProxyAsync(app.GeneratedHostname)).Status.Should().Be(HttpStatusCode.OK);
        (await Api.GetAsync<IReadOnlyList<ReleaseResponse>>($"/api/apps/{app.Id}/releases")).Should().HaveCount(releases);
    }

    [Test]
    public async Task ProcessesApi_RefusesWhatCannotRun_WithProblemsThatSayWhy()
    {
        var app = await Api.CreateAppAsync(PlatformApi.UniqueName("refuse"));

        await ExpectProblemAsync(await Api.Http.PostAsJsonAsync($"/api/apps/{app.Id}/scale", new Dictionary<string, int> { ["web"] = 21 }),
            HttpStatusCode.BadRequest, "validation", "between 0 and 20");
        await ExpectProblemAsync(await Api.Http.PostAsJsonAsync($"/api/apps/{app.Id}/scale", new Dictionary<string, int> { ["queue"] = 1 }),
            HttpStatusCode.BadRequest, "validation", "no process 'queue'");
        await ExpectProblemAsync(await Api.Http.PostAsJsonAsync($"/api/apps/{app.Id}/processes", new ProcessRequest("www", ProcessKinds.Web)),
            HttpStatusCode.Conflict, "process-conflict", "already has a web process ('web')");
        await ExpectProblemAsync(await Api.Http.PostAsJsonAsync($"/api/apps/{app.Id}/processes", new ProcessRequest("Bad_Name")),
            HttpStatusCode.BadRequest, "validation", "not a process name");
        await ExpectProblemAsync(await Api.Http.PostAsJsonAsync($"/api/apps/{app.Id}/processes",
                new ProcessRequest("jobs", ProcessKinds.Worker, Limits: new AppLimits(MemoryMb: 10_000_000))),
            HttpStatusCode.BadRequest, "validation", "memory limit");
        await ExpectProblemAsync(await Api.Http.PostAsJsonAsync($"/api/apps/{app.Id}/processes",
                new ProcessRequest("web2", ProcessKinds.Worker, UpdateOrder: "sideways")),
            HttpStatusCode.BadRequest, "validation", "update order");
        await ExpectProblemAsync(await Api.Http.PutAsJsonAsync($"/api/apps/{app.Id}/processes/nope", new ProcessRequest(Kind: ProcessKinds.Worker)),
            HttpStatusCode.NotFound, "not-found", "nope");
        (await Processes.ListAsync(app.Id)).Select(p => p.Name).Should().Equal("web");
    }

    private static async Task ExpectProblemAsync(HttpResponseMessage response, HttpStatusCode status, string type, string detail)
    {
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(status, body);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        body.Should().Contain($"/problems/{type}\"").And.Contain(detail);
    }

    private async Task ExecAsync(string containerId, params string[] command)
    {
        var exec = await Platform.Docker.Exec.CreateContainerExecAsync(containerId, new ContainerExecCreateParameters { Cmd = command });
        using var stream = await Platform.Docker.Exec.StartContainerExecAsync(exec.ID, new ContainerExecStartParameters());
        await stream.CopyOutputToAsync(Stream.Null, Stream.Null, Stream.Null, CancellationToken.None);
    }
}
