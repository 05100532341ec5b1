using System.Net.Http.Json;
using PersonalCloud.Contracts.Api;
using PersonalCloud.Contracts.Jobs;
using PersonalCloud.Integration.Tests.Support;

namespace PersonalCloud.Integration.Tests.Platform.Jobs;

/// <summary>
/// Runs across a reconciler that dies or is down: recorded exactly once, no container left behind, a scheduled time
/// that passed while down runs once within its starting deadline or is recorded as missed; a failing job is never silent.
/// </summary>
[Category("Integration")]
[Category("Drill")]
// Alone: it kills and stops the shared reconciler.
[NonParallelizable]
public sealed class JobFaultTests : PlatformTest
{
    private JobsApi _jobs = null!;

    [SetUp]
    public void SetUpJobs() => _jobs = new JobsApi(Platform, Api);

    [TearDown]
    public async Task RestoreAsync()
    {
        // A failed drill must not leave the next test without a reconciler.
        if (Platform.ReconcilerProcess.HasExited)
            Platform.StartReconciler();
        await _jobs.DeleteAppsAsync();
    }

    [Test]
    public async Task ReconcilerKilledDuringARun_RecordsItExactlyOnce_AndLeavesNoContainer()
    {
        var app = await _jobs.ServingAppAsync("jobkill");
        var job = await _jobs.CreateJobAsync(app.Id, new CronJobRequest("migrate", "0 0 1 1 *", "echo begin; sleep 3; echo done"));
        var run = (await (await Api.Http.PostAsync($"/api/apps/{app.Id}/cron/{job.Id}/runs", null)).Content.ReadFromJsonAsync<RunResponse>(JobsApi.Json))!;
        await _jobs.WaitForRunAsync(app.Id, run.Id, r => r.Status == RunStatuses.Running, "the run is running");

        await Platform.ReconcilerProcess.KillAsync();
        // The run ends while nothing watches it.
        await Eventually.UntilAsync(async () => (await _jobs.RunContainersAsync(app.Id)).SingleOrDefault()?.State == "exited",
            JobsApi.RunTimeout, "the run's container exits while the reconciler is dead");
        (await _jobs.RunAsync(app.Id, run.Id)).Status.Should().Be(RunStatuses.Running, "nothing has recorded its end yet");
        Platform.StartReconciler();

        var ended = await _jobs.WaitForRunAsync(app.Id, run.Id, r => r.Status == RunStatuses.Ended, "the restarted reconciler records the end from the engine");
        ended.Outcome.Should().Be(RunOutcomes.Succeeded);
        ended.ExitCode.Should().Be(0);
        (await _jobs.RunLinesAsync(app.Id, run.Id)).Should().Equal("begin", "done");
        await Eventually.UntilAsync(async () => (await _jobs.RunContainersAsync(app.Id)).Count == 0, JobsApi.RunTimeout, "its container is removed, not orphaned");
        (await _jobs.JobRunsAsync(app.Id, job.Id)).Should().ContainSingle("the run is recorded once");
    }

    [Test]
    public async Task ReconcilerKilledWhileARunIsStillRunning_AdoptsItAfterTheRestart()
    {
        var app = await _jobs.ServingAppAsync("jobadopt");
        var run = await _jobs.StartRunAsync(app.Id, new CreateRunRequest("echo begin; sleep 6; echo done"));
        var running = await _jobs.WaitForRunAsync(app.Id, run.Id, r => r.Status == RunStatuses.Running, "the run is running");

        await Platform.ReconcilerProcess.KillAsync();
        Platform.StartReconciler();

        var ended = await _jobs.WaitForRunAsync(app.Id, run.Id, r => r.Status == RunStatuses.Ended, "the run ends under the new reconciler");
        ended.Outcome.Should().Be(RunOutcomes.Succeeded);
        ended.ContainerId.Should().Be(running.ContainerId, "the same container ran on: adopted, not started again");
        (await _jobs.RunLinesAsync(app.Id, run.Id)).Should().Equal("begin", "done");
        await Eventually.UntilAsync(async () => (await _jobs.RunContainersAsync(app.Id)).Count == 0, JobsApi.RunTimeout, "its container is removed");
    }

    [Test]
    public async Task AScheduledTimeWhileDown_RunsOnceWithinItsStartingDeadline_OrIsRecordedAsMissed()
    {
        var app = await _jobs.ServingAppAsync("jobdown");
        await Platform.StopReconcilerAsync();
        var at = DateTimeOffset.UtcNow.AddSeconds(3);
        // Once a year, at a second a few seconds from now: it falls due while the reconciler is down.
        var schedule = $"{at.Second} {at.Minute} {at.Hour} {at.Day} {at.Month} *";
        var lenient = await _jobs.CreateJobAsync(app.Id, new CronJobRequest("lenient", schedule, "echo late but run", StartingDeadlineSeconds: 3600));
        var strict = await _jobs.CreateJobAsync(app.Id, new CronJobRequest("strict", schedule, "echo never", StartingDeadlineSeconds: 1));
        var scheduledFor = new DateTimeOffset(at.Year, at.Month, at.Day, at.Hour, at.Minute, at.Second, TimeSpan.Zero);
        await Eventually.UntilAsync(() => Task.FromResult(DateTimeOffset.UtcNow > scheduledFor.AddSeconds(2)), TimeSpan.FromSeconds(30),
            "the scheduled time and the strict job's deadline pass while the reconciler is down");
        Platform.StartReconciler();

        var ran = await _jobs.WaitForRunsAsync(app.Id, lenient.Id, r => r.Any(x => x.Status == RunStatuses.Ended), "the late run ends");
        ran.Should().ContainSingle().Which.Should().Match<RunResponse>(r =>
            r.Outcome == RunOutcomes.Succeeded && r.ScheduledFor == scheduledFor && r.StartedAt > scheduledFor.AddSeconds(1));
        var missed = await _jobs.WaitForRunsAsync(app.Id, strict.Id, r => r.Count > 0, "the strict job's time is recorded");
        missed.Should().ContainSingle().Which.Should().Match<RunResponse>(r =>
            r.Outcome == RunOutcomes.Missed && r.ScheduledFor == scheduledFor && r.StartedAt == null && r.Reason!.Contains("past its starting deadline of 1 s"));

        var alerts = (await Api.GetAppAsync(app.Id))!.JobAlerts;
        alerts.Should().ContainSingle().Which.Should().Match<JobAttentionResponse>(a => a.JobName == "strict" && a.Kind == JobAttentionKinds.Missed);
        var events = await Api.GetAsync<IReadOnlyList<AppEventResponse>>($"/api/apps/{app.Id}/events");
        events.Should().Contain(e => e.Action == "JobMissedStart" && e.Reason.Contains("strict") && e.Outcome == "failed");
        (await _jobs.JobRunsAsync(app.Id, lenient.Id)).Should().ContainSingle("after the restart, still one run for that time");
    }

    [Test]
    public async Task AJobFailingAgainAndAgain_ShowsOnTheAppAndTheAppsList_ThenIsSuspended_UntilResumed()
    {
        var app = await _jobs.ServingAppAsync("jobfail");
        var job = await _jobs.CreateJobAsync(app.Id, new CronJobRequest("broken", "* * * * * *", "echo cannot connect >&2; exit 2", ConcurrencyPolicy: ConcurrencyPolicies.Allow));

        await Eventually.UntilAsync(async () => (await Api.GetAppAsync(app.Id))!.JobAlerts!.Any(a => a.Kind == JobAttentionKinds.Failing),
            JobsApi.RunTimeout, "the app says the job is failing");
        var listed = await Api.GetAsync<IReadOnlyList<AppResponse>>("/api/apps");
        listed.Single(a => a.Id == app.Id).JobAlerts.Should().ContainSingle().Which.Reason.Should().MatchRegex(@"^failed \d+ times in a row \(last: exited with code 2\)$");

        await Eventually.UntilAsync(async () => (await Api.GetAppAsync(app.Id))!.JobAlerts!.Any(a => a.Kind == JobAttentionKinds.AutoSuspended),
            JobsApi.RunTimeout, "the platform suspends it after 10 failures in a row");
        var suspended = await Api.GetAsync<CronJobResponse>($"/api/apps/{app.Id}/cron/{job.Id}");
        suspended.AutoSuspended.Should().BeTrue();
        suspended.NextRuns.Should().BeEmpty();
        suspended.ConsecutiveFailures.Should().BeGreaterThanOrEqualTo(JobRules.DefaultAutoSuspendAfterFailures);
        var events = await Api.GetAsync<IReadOnlyList<AppEventResponse>>($"/api/apps/{app.Id}/events?limit=1000");
        events.Count(e => e.Action == "JobFailing").Should().Be(1, "said once when it crossed the threshold");
        events.Should().ContainSingle(e => e.Action == "JobAutoSuspended").Which.Reason.Should().Contain("broken");

        // Fixed and resumed: the streak starts over.
        var fixedJob = await Api.Http.PutAsJsonAsync($"/api/apps/{app.Id}/cron/{job.Id}", new CronJobRequest("broken", "0 0 1 1 *", "echo fine"));
        fixedJob.EnsureSuccessStatusCode();
        (await Api.Http.PostAsync($"/api/apps/{app.Id}/cron/{job.Id}/resume", null)).EnsureSuccessStatusCode();
        await Eventually.UntilAsync(async () => (await Api.GetAppAsync(app.Id))!.JobAlerts!.Count == 0, JobsApi.RunTimeout, "the alert is gone once resumed");
        var resumed = await Api.GetAsync<CronJobResponse>($"/api/apps/{app.Id}/cron/{job.Id}");
        resumed.AutoSuspended.Should().BeFalse();
        resumed.NextRuns.Should().NotBeEmpty();
    }
}
