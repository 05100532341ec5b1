using System.Net;
using System.Net.Http.Json;
using PersonalCloud.Contracts.Api;
using PersonalCloud.Contracts.Jobs;
using PersonalCloud.Contracts.Labels;
using PersonalCloud.Integration.Tests.Support;

namespace PersonalCloud.Integration.Tests.Platform.Jobs;

/// <summary>Cron jobs against the real stack: on time, once per scheduled time, each overlap policy, history and logs per run.</summary>
[Category("Integration")]
public sealed class CronJobTests : PlatformTest
{
    private JobsApi _jobs = null!;

    [SetUp]
    public void SetUpJobs() => _jobs = new JobsApi(Platform, Api);

    [TearDown]
    public Task DeleteAppsAsync() => _jobs.DeleteAppsAsync();

    [Test]
    public async Task SecondsSchedule_RunsEveryScheduledTimeOnce_InAFreshContainerOfTheServingRelease_WithItsOutput()
    {
        var app = await _jobs.ServingAppAsync("cronsec");
        var job = await _jobs.CreateJobAsync(app.Id,
            new CronJobRequest("tick", "*/2 * * * * *", "echo tick from $HOSTNAME; echo to-stderr >&2", ConcurrencyPolicy: ConcurrencyPolicies.Allow));

        job.NextRuns.Should().HaveCount(JobRules.NextRunsShown);
        job.NextRuns.Zip(job.NextRuns.Skip(1)).Should().OnlyContain(p => p.Second - p.First == TimeSpan.FromSeconds(2));
        var runs = await _jobs.WaitForRunsAsync(app.Id, job.Id, r => r.Count(x => x.Outcome == RunOutcomes.Succeeded) >= 3, "three runs succeed");

        var scheduled = runs.Select(r => r.ScheduledFor!.Value).Order().ToList();
        scheduled.Zip(scheduled.Skip(1)).Should().OnlyContain(p => p.Second - p.First == TimeSpan.FromSeconds(2),
            "every scheduled time since the job was made has exactly one run: none left out, none twice");
        scheduled[0].Should().BeOnOrAfter(job.CreatedAt);
        var done = runs.Where(r => r.Outcome == RunOutcomes.Succeeded).ToList();
        done.Should().OnlyContain(r => r.ExitCode == 0 && r.Trigger == RunTriggers.Schedule && r.ReleaseId == app.CurrentRelease!.Id
            && r.StartedAt >= r.ScheduledFor && r.EndedAt >= r.StartedAt);
        TestContext.Progress.WriteLine("scheduled time to recorded start: " + string.Join(", ", done.Select(r => $"{(r.StartedAt - r.ScheduledFor)!.Value.TotalMilliseconds:0} ms")));
        foreach (var run in done)
            (await _jobs.RunLinesAsync(app.Id, run.Id)).Should().BeEquivalentTo($"tick from {app.Name}", "to-stderr");

        var web = await PlatformDocker.RunningContainersAsync(Platform, app.Id);
        web.Where(c => !c.Labels.ContainsKey(RunLabels.RunId)).Should().ContainSingle("the web container keeps serving, untouched by the runs");
        var listed = await Api.GetAsync<IReadOnlyList<CronJobResponse>>($"/api/apps/{app.Id}/cron");
        listed.Should().ContainSingle().Which.LastRuns.Should().Contain(r => r.Outcome == RunOutcomes.Succeeded);
    }

    [Test]
    public async Task Forbid_AJobOutlivingItsInterval_SkipsTheOverlappingTimes_AndNeverRunsTwiceAtOnce()
    {
        var app = await _jobs.ServingAppAsync("cronforbid");
        var job = await _jobs.CreateJobAsync(app.Id, new CronJobRequest("slow", "* * * * * *", "sleep 3", ConcurrencyPolicy: ConcurrencyPolicies.Forbid));

        var runs = await _jobs.WaitForRunsAsync(app.Id, job.Id,
            r => r.Count(x => x.Outcome == RunOutcomes.Succeeded) >= 2 && r.Any(x => x.Reason?.Contains("(concurrencyPolicy forbid)") == true),
            "runs succeed and a time that finds one still running is skipped");

        runs.Where(r => r.Outcome == RunOutcomes.Skipped).Should().OnlyContain(r => r.StartedAt == null);
        runs.Count(r => r.Outcome == RunOutcomes.Skipped && r.Reason!.Contains("still running (concurrencyPolicy forbid)")).Should().BeGreaterThanOrEqualTo(1);
        var ran = runs.Where(r => r.StartedAt is not null && r.EndedAt is not null).OrderBy(r => r.StartedAt).ToList();
        ran.Zip(ran.Skip(1)).Should().OnlyContain(p => p.Second.StartedAt >= p.First.EndedAt, "a run starts only after the previous one ended");
    }

    [Test]
    public async Task Allow_AJobOutlivingItsInterval_RunsOverlapping()
    {
        var app = await _jobs.ServingAppAsync("cronallow");
        var job = await _jobs.CreateJobAsync(app.Id, new CronJobRequest("slow", "* * * * * *", "sleep 3", ConcurrencyPolicy: ConcurrencyPolicies.Allow));

        await Eventually.UntilAsync(async () => (await _jobs.JobRunsAsync(app.Id, job.Id)).Count(r => r.Status == RunStatuses.Running) >= 2,
            JobsApi.RunTimeout, "two runs of the job run at once");
        await Eventually.UntilAsync(async () => (await _jobs.RunContainersAsync(app.Id)).Count(c => c.State == "running") >= 2,
            JobsApi.RunTimeout, "two run containers are up at once");
        var runs = await _jobs.WaitForRunsAsync(app.Id, job.Id, r => r.Count(x => x.Outcome == RunOutcomes.Succeeded) >= 2, "overlapping runs succeed");
        runs.Should().NotContain(r => r.Reason != null && r.Reason.Contains("still running"), "allow never skips a time for a run still running");
    }

    [Test]
    public async Task Replace_AJobOutlivingItsInterval_StopsTheRunningRunForTheNewOne()
    {
        var app = await _jobs.ServingAppAsync("cronreplace");
        var job = await _jobs.CreateJobAsync(app.Id, new CronJobRequest("slow", "*/2 * * * * *", "echo started; exec sleep 30", ConcurrencyPolicy: ConcurrencyPolicies.Replace));

        var runs = await _jobs.WaitForRunsAsync(app.Id, job.Id, r => r.Count(x => x.Outcome == RunOutcomes.Stopped) >= 2, "two runs are replaced by newer ones");

        var replaced = runs.Where(r => r.Outcome == RunOutcomes.Stopped).ToList();
        replaced.Should().OnlyContain(r => r.Reason!.StartsWith("replaced by the run scheduled for", StringComparison.Ordinal) && r.StartedAt != null);
        replaced.Should().OnlyContain(r => runs.Any(n => n.ScheduledFor > r.ScheduledFor && n.StartedAt != null), "each was replaced by a later run that started");
        (await _jobs.RunLinesAsync(app.Id, replaced[0].Id)).Should().Equal("started");
        await Eventually.UntilAsync(async () => !(await _jobs.RunContainersAsync(app.Id)).Any(c => replaced.Any(r => r.ContainerId == c.ID)),
            JobsApi.RunTimeout, "the replaced runs' containers are stopped and removed");
    }

    [Test]
    public async Task RunNow_SuspendAndResume_AndDelete_DoWhatTheySay()
    {
        var app = await _jobs.ServingAppAsync("cronmanual");
        var job = await _jobs.CreateJobAsync(app.Id, new CronJobRequest("yearly", "0 0 1 1 *", "echo by hand", TimeZone: "Europe/Berlin"));
        job.NextRuns[0].Should().Be(new DateTimeOffset(DateTimeOffset.UtcNow.Year + 1, 1, 1, 0, 0, 0, TimeSpan.FromHours(1)).ToUniversalTime(),
            "midnight of New Year in Berlin is 23:00 UTC");

        using var now = await Api.Http.PostAsync($"/api/apps/{app.Id}/cron/{job.Id}/runs", null);
        now.StatusCode.Should().Be(HttpStatusCode.Accepted, await now.Content.ReadAsStringAsync());
        var manual = (await now.Content.ReadFromJsonAsync<RunResponse>(JobsApi.Json))!;
        manual.Trigger.Should().Be(RunTriggers.Manual);
        var ended = await _jobs.WaitForRunAsync(app.Id, manual.Id, r => r.Status == RunStatuses.Ended, "the manual run ends");
        ended.Outcome.Should().Be(RunOutcomes.Succeeded);
        (await _jobs.RunLinesAsync(app.Id, manual.Id)).Should().Equal("by hand");

        var suspended = await (await Api.Http.PostAsync($"/api/apps/{app.Id}/cron/{job.Id}/suspend", null)).Content.ReadFromJsonAsync<CronJobResponse>(JobsApi.Json);
        suspended!.Suspended.Should().BeTrue();
        suspended.NextRuns.Should().BeEmpty("a suspended job has no next run");
        var resumed = await (await Api.Http.PostAsync($"/api/apps/{app.Id}/cron/{job.Id}/resume", null)).Content.ReadFromJsonAsync<CronJobResponse>(JobsApi.Json);
        resumed!.Suspended.Should().BeFalse();
        resumed.NextRuns.Should().NotBeEmpty();

        using var deleted = await Api.Http.DeleteAsync($"/api/apps/{app.Id}/cron/{job.Id}");
        deleted.StatusCode.Should().Be(HttpStatusCode.Accepted);
        (await Api.Http.GetAsync($"/api/apps/{app.Id}/cron/{job.Id}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await Api.Http.GetAsync($"/api/apps/{app.Id}/runs/{manual.Id}")).StatusCode.Should().Be(HttpStatusCode.NotFound, "a job's history goes with it");
    }
}
