using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Docker.DotNet.Models;
using PersonalCloud.Contracts.Api;
using PersonalCloud.Contracts.Apps;
using PersonalCloud.Contracts.Labels;
using PersonalCloud.Integration.Tests.Support;

namespace PersonalCloud.Integration.Tests.Platform.Jobs;

/// <summary>Cron jobs and runs through the public API, and their containers in the engine by label.</summary>
public sealed class JobsApi(PlatformFixture platform, PlatformApi api)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    public static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(60);

    private readonly List<Guid> _apps = [];

    /// <summary>A new app serving the hello image (busybox: /bin/sh, sleep, echo), ready to run commands from; deleted by <see cref="DeleteAppsAsync"/>.</summary>
    public async Task<AppResponse> ServingAppAsync(string prefix)
    {
        var app = await api.CreateAppAsync(PlatformApi.UniqueName(prefix), platform.HelloImage);
        _apps.Add(app.Id);
        return await api.WaitForAsync(app.Id, app.Generation, AppStatus.Running);
    }

    /// <summary>Deletes the apps this test made, so their jobs stop running for the tests after it.</summary>
    public async Task DeleteAppsAsync()
    {
        foreach (var id in _apps)
            using (await api.Http.DeleteAsync($"/api/apps/{id}")) { }
        _apps.Clear();
    }

    public async Task<CronJobResponse> CreateJobAsync(Guid appId, CronJobRequest request)
    {
        using var response = await api.Http.PostAsJsonAsync($"/api/apps/{appId}/cron", request);
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<CronJobResponse>(Json))!;
    }

    public async Task<RunResponse> StartRunAsync(Guid appId, CreateRunRequest request)
    {
        using var response = await api.Http.PostAsJsonAsync($"/api/apps/{appId}/runs", request);
        response.StatusCode.Should().Be(HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<RunResponse>(Json))!;
    }

    public Task<IReadOnlyList<RunResponse>> JobRunsAsync(Guid appId, Guid jobId) =>
        api.GetAsync<IReadOnlyList<RunResponse>>($"/api/apps/{appId}/cron/{jobId}/runs?limit=100");

    public Task<RunResponse> RunAsync(Guid appId, Guid runId) => api.GetAsync<RunResponse>($"/api/apps/{appId}/runs/{runId}");

    /// <summary>Polls the job's history until <paramref name="enough"/> holds; returns it oldest first.</summary>
    public async Task<IReadOnlyList<RunResponse>> WaitForRunsAsync(Guid appId, Guid jobId, Func<IReadOnlyList<RunResponse>, bool> enough, string because, TimeSpan? timeout = null)
    {
        IReadOnlyList<RunResponse> runs = [];
        await Eventually.UntilAsync(async () =>
        {
            runs = (await JobRunsAsync(appId, jobId)).Reverse().ToList();
            return enough(runs);
        }, timeout ?? RunTimeout, () => $"{because} (runs so far: {Describe(runs)})");
        return runs;
    }

    public async Task<RunResponse> WaitForRunAsync(Guid appId, Guid runId, Func<RunResponse, bool> condition, string because)
    {
        RunResponse? run = null;
        await Eventually.UntilAsync(async () =>
        {
            run = await RunAsync(appId, runId);
            return condition(run);
        }, RunTimeout, () => $"{because} (last: {run?.Status}/{run?.Outcome} {run?.Reason})");
        return run!;
    }

    /// <summary>The lines a run printed, as GET /logs?run= returns them.</summary>
    public async Task<IReadOnlyList<string>> RunLinesAsync(Guid appId, Guid runId) =>
        (await api.GetAsync<IReadOnlyList<LogLineResponse>>($"/api/apps/{appId}/logs?run={runId}&limit=1000")).Select(l => l.Message).ToList();

    /// <summary>Run containers of the app (kind job or run), all states.</summary>
    public async Task<IList<ContainerListResponse>> RunContainersAsync(Guid appId) =>
        (await PlatformDocker.AllContainersAsync(platform, appId)).Where(c => c.Labels.ContainsKey(RunLabels.RunId)).ToList();

    public static string Describe(IEnumerable<RunResponse> runs) =>
        string.Join("; ", runs.Select(r => $"{r.ScheduledFor:HH:mm:ss.f}/{r.Status}/{r.Outcome}{(r.Reason is null ? "" : $" ({r.Reason})")}"));
}
