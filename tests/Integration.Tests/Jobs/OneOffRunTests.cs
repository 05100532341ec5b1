using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using PersonalCloud.Contracts.Api;
using PersonalCloud.Contracts.Jobs;
using PersonalCloud.Integration.Tests.Support;

namespace PersonalCloud.Integration.Tests.Platform.Jobs;

/// <summary>One-off runs: a fresh container from the serving release, its output live and later, its exit code, stop and timeout.</summary>
[Category("Integration")]
public sealed class OneOffRunTests : PlatformTest
{
    private static readonly TimeSpan EventTimeout = TimeSpan.FromSeconds(30);
    private JobsApi _jobs = null!;

    [SetUp]
    public void SetUpJobs() => _jobs = new JobsApi(Platform, Api);

    [TearDown]
    public Task DeleteAppsAsync() => _jobs.DeleteAppsAsync();

    [Test]
    public async Task Run_ReturnsItsOutputLive_AndItsExitCode_AndKeepsBoth()
    {
        var app = await _jobs.ServingAppAsync("oneoff");
        var run = await _jobs.StartRunAsync(app.Id, new CreateRunRequest("echo out-line; echo err-line >&2; echo \"greeting is [$GREETING]\"; exit 3"));
        run.Status.Should().Be(RunStatuses.Queued);
        run.Kind.Should().Be("run");
        run.OutputUrl.Should().Be($"/api/apps/{app.Id}/runs/{run.Id}/output");

        await using var stream = await SseClient.ConnectAsync(Platform.Api.BaseAddress!, Platform.ApiToken, run.OutputUrl);
        stream.Response.Content.Headers.ContentType!.MediaType.Should().Be("text/event-stream");
        var events = new List<SseEvent>();
        while (events.LastOrDefault()?.Type != "end")
            events.Add(await stream.NextAsync(EventTimeout) ?? throw new InvalidOperationException("the stream ended before its end event"));

        var lines = events.Where(e => e.Type == "line").Select(e => JsonSerializer.Deserialize<LogLineResponse>(e.Data, JobsApi.Json)!).ToList();
        // The engine copies stdout and stderr apart: each stream keeps its order, not their interleaving.
        lines.Where(l => l.Stream == "stdout").Select(l => l.Message).Should().Equal("out-line", "greeting is []");
        lines.Where(l => l.Stream == "stderr").Select(l => l.Message).Should().Equal("err-line");
        events.Where(e => e.Type == "status").Select(e => JsonSerializer.Deserialize<RunResponse>(e.Data, JobsApi.Json)!.Status).Should().EndWith(RunStatuses.Ended);
        using (var end = JsonDocument.Parse(events[^1].Data))
        {
            end.RootElement.GetProperty("outcome").GetString().Should().Be(RunOutcomes.Failed);
            end.RootElement.GetProperty("exitCode").GetInt32().Should().Be(3);
            end.RootElement.GetProperty("reason").GetString().Should().Be("exited with code 3");
        }

        var stored = await _jobs.RunAsync(app.Id, run.Id);
        stored.Should().Match<RunResponse>(r => r.Status == RunStatuses.Ended && r.ExitCode == 3 && r.ReleaseId == app.CurrentRelease!.Id && r.StartedAt != null && r.EndedAt >= r.StartedAt);
        (await _jobs.RunLinesAsync(app.Id, run.Id)).Should().BeEquivalentTo("out-line", "err-line", "greeting is []");
        await using (var again = await SseClient.ConnectAsync(Platform.Api.BaseAddress!, Platform.ApiToken, run.OutputUrl, lastEventId: lines[0].Id.ToString(System.Globalization.CultureInfo.InvariantCulture)))
        {
            var replay = new List<SseEvent>();
            while (replay.LastOrDefault()?.Type != "end")
                replay.Add((await again.NextAsync(EventTimeout))!);
            replay.Where(e => e.Type == "line").Should().HaveCount(2, "a reconnect resumes after the last line it saw");
        }

        await Eventually.UntilAsync(async () => (await _jobs.RunContainersAsync(app.Id)).Count == 0, JobsApi.RunTimeout, "the run's container is removed once it ended");
        var listed = await Api.GetAsync<IReadOnlyList<RunResponse>>($"/api/apps/{app.Id}/runs");
        listed.Should().ContainSingle().Which.Id.Should().Be(run.Id);
    }

    [Test]
    public async Task Run_UsesTheServingReleasesEnvironment()
    {
        var app = await _jobs.ServingAppAsync("oneoffenv");
        var change = await Api.SetEnvAsync(app.Id, new Dictionary<string, string?> { ["GREETING"] = "from-the-release" });
        await Api.WaitForAsync(app.Id, change.Generation, Contracts.Apps.AppStatus.Running);

        var run = await _jobs.StartRunAsync(app.Id, new CreateRunRequest("echo \"[$GREETING]\"; id -u"));
        await _jobs.WaitForRunAsync(app.Id, run.Id, r => r.Status == RunStatuses.Ended, "the run ends");

        (await _jobs.RunLinesAsync(app.Id, run.Id)).Should().Equal(new[] { "[[REDACTED:GREETING]]", "65534" },
            "it runs with the release's env (masked in the log as every env value is) and as the app's non-root user");
    }

    [Test]
    public async Task Stop_EndsARunningRunAsStopped_AndRemovesItsContainer()
    {
        var app = await _jobs.ServingAppAsync("oneoffstop");
        var run = await _jobs.StartRunAsync(app.Id, new CreateRunRequest("echo waiting; exec sleep 300"));
        await _jobs.WaitForRunAsync(app.Id, run.Id, r => r.Status == RunStatuses.Running, "the run is running");

        using var stop = await Api.Http.PostAsync($"/api/apps/{app.Id}/runs/{run.Id}/stop", null);
        stop.StatusCode.Should().Be(HttpStatusCode.Accepted, await stop.Content.ReadAsStringAsync());
        var stopped = await _jobs.WaitForRunAsync(app.Id, run.Id, r => r.Status == RunStatuses.Ended, "the run ends");

        stopped.Outcome.Should().Be(RunOutcomes.Stopped);
        stopped.Reason.Should().Be("stopped by the owner");
        stopped.ExitCode.Should().Be(143, "SIGTERM ended it");
        (await _jobs.RunLinesAsync(app.Id, run.Id)).Should().Equal("waiting");
        await Eventually.UntilAsync(async () => (await _jobs.RunContainersAsync(app.Id)).Count == 0, JobsApi.RunTimeout, "its container is removed");
        using var again = await Api.Http.DeleteAsync($"/api/apps/{app.Id}/runs/{run.Id}");
        again.StatusCode.Should().Be(HttpStatusCode.Conflict, "an ended run has nothing left to stop");
    }

    [Test]
    public async Task Timeout_SendsSigtermThenKills_AndEndsTheRunAsTimedOut()
    {
        var app = await _jobs.ServingAppAsync("oneofftimeout");
        // Ignores SIGTERM: only the kill after the stop grace ends it.
        var run = await _jobs.StartRunAsync(app.Id, new CreateRunRequest("trap '' TERM; echo stubborn; while true; do sleep 1; done", TimeoutSeconds: 2));

        var ended = await _jobs.WaitForRunAsync(app.Id, run.Id, r => r.Status == RunStatuses.Ended, "the run times out");

        ended.Outcome.Should().Be(RunOutcomes.TimedOut);
        ended.Reason.Should().StartWith("ran longer than its timeout of 2 s");
        ended.ExitCode.Should().Be(137, "SIGTERM was ignored, so it was killed");
        (ended.EndedAt - ended.StartedAt).Should().BeGreaterThan(TimeSpan.FromSeconds(2));
    }

    [Test]
    public async Task Run_IsRefusedWithAProblem_WhenItCannotBeRun()
    {
        var neverDeployed = await Api.CreateAppAsync(PlatformApi.UniqueName("oneoffnone"));
        using var noRelease = await Api.Http.PostAsJsonAsync($"/api/apps/{neverDeployed.Id}/runs", new CreateRunRequest("echo hi"));
        noRelease.StatusCode.Should().Be(HttpStatusCode.Conflict);
        (await noRelease.Content.ReadAsStringAsync()).Should().Contain("/problems/no-serving-release").And.Contain("deploy it first");

        using var bad = await Api.Http.PostAsJsonAsync($"/api/apps/{neverDeployed.Id}/runs", new CreateRunRequest("", Process: "Web!", TimeoutSeconds: 100_000));
        bad.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var problem = await bad.Content.ReadFromJsonAsync<JsonElement>();
        problem.GetProperty("type").GetString().Should().EndWith("/problems/validation");
        problem.GetProperty("errors").EnumerateObject().Select(p => p.Name).Should().BeEquivalentTo("command", "process", "timeoutSeconds");
        (await Api.Http.GetAsync($"/api/apps/{neverDeployed.Id}/runs")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await Api.GetAsync<IReadOnlyList<RunResponse>>($"/api/apps/{neverDeployed.Id}/runs")).Should().BeEmpty("a refused request changes nothing");
    }

    [Test]
    public async Task DeletingTheApp_RemovesItsRunningRunsContainers()
    {
        var app = await _jobs.ServingAppAsync("oneoffdelete");
        var run = await _jobs.StartRunAsync(app.Id, new CreateRunRequest("exec sleep 300"));
        await _jobs.WaitForRunAsync(app.Id, run.Id, r => r.Status == RunStatuses.Running, "the run is running");

        (await Api.Http.DeleteAsync($"/api/apps/{app.Id}")).StatusCode.Should().Be(HttpStatusCode.Accepted);

        await Eventually.UntilAsync(async () => (await PlatformDocker.AllContainersAsync(Platform, app.Id)).Count == 0
                && (await PlatformDocker.NetworksAsync(Platform, app.Id)).Count == 0,
            PlatformApi.ConvergeTimeout, "the run's container, the app's container and its network are gone");
    }
}
