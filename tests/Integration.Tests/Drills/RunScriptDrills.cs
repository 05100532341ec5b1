using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Docker.DotNet;
using Docker.DotNet.Models;
using PersonalCloud.Contracts.Api;
using PersonalCloud.Contracts.Labels;
using PersonalCloud.Integration.Tests.Platform;
using PersonalCloud.Integration.Tests.Support;

namespace PersonalCloud.Integration.Tests.Drills;

/// <summary>
/// run.sh under a pipe (<c>./run.sh 2>&amp;1 | tee run.log</c>, the way docs/operations.md once advised) is stopped
/// three ways: Ctrl-C, the pipe's reader dying, SIGTERM. Each time the supervisor stops everything itself, and no
/// process is left that names the platform's data directory (run.sh, tee, the supervisor, ControlPlane, Reconciler,
/// route-dns, Caddy, Postgres); the app's container keeps running.
/// </summary>
[Category("Integration")]
[Category("Drill")]
[NonParallelizable]
public sealed class RunScriptDrills
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(4);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(120);
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly RunScriptPlatform _platform = new();
    private DockerClient _docker = null!;
    private string _image = "";

    [OneTimeSetUp]
    public async Task PrepareAsync()
    {
        _docker = Reconciler.Containers.DockerContainerRuntime.CreateClient(Reconciler.Containers.DockerContainerRuntime.DefaultEndpoint);
        _image = await TestImages.BuildHelloAsync(_docker, CancellationToken.None);
        await _platform.RemoveLeftoversAsync();
        await TestCleanup.RemoveInstanceAsync(_docker, _platform.Instance);
        if (Directory.Exists(_platform.DataDir))
            Directory.Delete(_platform.DataDir, recursive: true);
    }

    /// <summary>A failed case must not leave its platform to the next one.</summary>
    [SetUp]
    public Task StopLeftoversAsync() => _platform.RemoveLeftoversAsync();

    [OneTimeTearDown]
    public async Task CleanUpAsync()
    {
        await _platform.RemoveLeftoversAsync();
        await TestCleanup.RemoveInstanceAsync(_docker, _platform.Instance);
        _docker.Dispose();
    }

    [Test]
    public Task CtrlC_UnderTee_StopsEveryPlatformProcess_AndAppsKeepRunning() =>
        StartThenStopAsync(() => _platform.InterruptAsync(), "Ctrl-C (SIGINT to the pipeline)");

    [Test]
    public Task ReaderOfTheOutputPipeDying_StopsEveryPlatformProcess_AndAppsKeepRunning() =>
        StartThenStopAsync(() => _platform.KillReaderAsync(), "tee killed");

    [Test]
    public Task SigTerm_StopsEveryPlatformProcess_AndAppsKeepRunning() =>
        StartThenStopAsync(() => _platform.TerminateAsync(), "SIGTERM to run.sh");

    private async Task StartThenStopAsync(Func<Task> stop, string how)
    {
        using var api = await _platform.StartAsync(StartTimeout);
        var container = await StartAppAsync(api);
        var stopsBefore = Stops(_platform.SupervisorLog());

        await stop();

        var left = _platform.ProcessesLeft();
        await Eventually.UntilAsync(() => Task.FromResult((left = _platform.ProcessesLeft()).Count == 0), StopTimeout,
            () => $"after {how} no process names {_platform.DataDir} (left: {string.Join("; ", left)}; supervisor: {RunScriptPlatform.Tail(_platform.SupervisorLog())})");
        Stops(_platform.SupervisorLog()).Should().Be(stopsBefore + 1, $"after {how} the supervisor stopped its processes, Caddy and Postgres itself");
        var inspected = await _docker.Containers.InspectContainerAsync(container);
        inspected.State!.Running.Should().BeTrue("Docker and the apps' containers keep running when the platform stops");
    }

    /// <summary>Creates an app from the hello image and returns its running container's id.</summary>
    private async Task<string> StartAppAsync(HttpClient api)
    {
        var created = await api.PostAsJsonAsync("/api/apps", new CreateAppRequest(PlatformApi.UniqueName("runsh"), _image));
        created.StatusCode.Should().Be(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var app = (await created.Content.ReadFromJsonAsync<AppResponse>(Json))!;
        string? id = null;
        await Eventually.UntilAsync(async () =>
        {
            var running = await _docker.Containers.ListContainersAsync(new ContainersListParameters
            {
                Filters = new Dictionary<string, IDictionary<string, bool>>
                {
                    ["label"] = new Dictionary<string, bool> { [$"{ContainerLabels.AppId}={app.Id}"] = true },
                },
            });
            id = running.FirstOrDefault()?.ID;
            return id is not null;
        }, TimeSpan.FromSeconds(90), "the app's container runs");
        return id!;
    }

    private static int Stops(string supervisorLog) => supervisorLog.Split('\n').Count(l => l.EndsWith("supervise: stopped", StringComparison.Ordinal));
}
