using Microsoft.Extensions.Time.Testing;
using PersonalCloud.Contracts.Jobs;
using PersonalCloud.Reconciler.Jobs;
using static PersonalCloud.Reconciler.Tests.Jobs.JobScenario;

namespace PersonalCloud.Reconciler.Tests.Jobs;

public sealed class SchedulePlannerTests
{
    private FakeTimeProvider _time = null!;

    [SetUp]
    public void SetUp() => _time = new FakeTimeProvider(Start);

    [Test]
    public void Plan_BeforeTheFirstTime_DoesNothingAndSaysWhenToLookAgain()
    {
        var decision = SchedulePlanner.Plan(Job("0 * * * *"), [], releaseServing: true, _time.GetUtcNow());

        decision.Changes.Should().BeFalse();
        decision.NextDue.Should().Be(Start.AddHours(1));
    }

    [Test]
    public void Plan_AtTheScheduledTime_QueuesOneRunAndMovesTheCursor()
    {
        _time.Advance(TimeSpan.FromMilliseconds(1500));

        var decision = SchedulePlanner.Plan(Job(), [], releaseServing: true, _time.GetUtcNow());

        decision.Runs.Should().Equal(new ScheduledRun(JobId, Start.AddSeconds(1), null, null));
        decision.ScheduledThrough.Should().Be(Start.AddSeconds(1));
        decision.NextDue.Should().Be(Start.AddSeconds(2));
    }

    [Test]
    public void Plan_ATimeAlreadyHandled_IsNotQueuedAgain()
    {
        _time.Advance(TimeSpan.FromMilliseconds(1500));

        var decision = SchedulePlanner.Plan(Job(through: Start.AddSeconds(1)), [], releaseServing: true, _time.GetUtcNow());

        decision.Changes.Should().BeFalse("each scheduled time fires at most once");
    }

    [Test]
    public void Plan_Suspended_DoesNothing()
    {
        _time.Advance(TimeSpan.FromSeconds(5));

        SchedulePlanner.Plan(Job(suspended: true), [], true, _time.GetUtcNow()).Changes.Should().BeFalse();
        SchedulePlanner.Plan(Job(autoSuspendedAt: Start), [], true, _time.GetUtcNow()).Changes.Should().BeFalse();
    }

    [Test]
    public void Plan_ResumedAfterTheSuspension_CountsFromTheResume()
    {
        _time.Advance(TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(30));
        var resumed = _time.GetUtcNow().AddMilliseconds(-200);

        var decision = SchedulePlanner.Plan(Job("* * * * *", autoSuspendedAt: Start, resumedAt: resumed), [], true, _time.GetUtcNow());

        decision.Changes.Should().BeFalse("the times while suspended are not run late");
        decision.NextDue.Should().Be(Start.AddMinutes(11));
    }

    [TestCase(ConcurrencyPolicies.Forbid, RunOutcomes.Skipped, 0)]
    [TestCase(ConcurrencyPolicies.Allow, null, 0)]
    [TestCase(ConcurrencyPolicies.Replace, null, 1)]
    public void Plan_WhileThePreviousRunStillRuns_FollowsThePolicy(string policy, string? outcome, int replaced)
    {
        var running = Run(scheduledFor: Start.AddSeconds(1), startedAt: Start.AddSeconds(1), containerId: "c1");
        _time.Advance(TimeSpan.FromMilliseconds(2100));

        var decision = SchedulePlanner.Plan(Job(policy: policy, through: Start.AddSeconds(1)), [running], true, _time.GetUtcNow());

        decision.Runs.Should().ContainSingle().Which.Outcome.Should().Be(outcome);
        decision.Replace.Should().HaveCount(replaced);
        if (outcome == RunOutcomes.Skipped)
            decision.Runs[0].Reason.Should().Contain("still running").And.Contain("forbid");
        if (replaced > 0)
            decision.Replace[0].Should().Be(new ReplaceRun(running.Id, $"replaced by the run scheduled for {Start.AddSeconds(2):u} (concurrencyPolicy replace)"));
    }

    [Test]
    public void Plan_AfterADowntime_RecordsTheMissedTimesOnceAndRunsOnlyTheLatest()
    {
        _time.Advance(TimeSpan.FromMinutes(60) + TimeSpan.FromSeconds(5));

        var decision = SchedulePlanner.Plan(Job("* * * * *"), [], true, _time.GetUtcNow());

        decision.Runs.Should().HaveCount(2);
        decision.Runs[0].Should().Be(new ScheduledRun(JobId, Start.AddMinutes(59), RunOutcomes.Missed,
            $"59 starts from {Start.AddMinutes(1):u} to {Start.AddMinutes(59):u} passed while the scheduler was not running; only the latest ({Start.AddMinutes(60):u}) is considered"));
        decision.Runs[1].Should().Be(new ScheduledRun(JobId, Start.AddMinutes(60), null, null), "no starting deadline: the latest still runs");
    }

    [TestCase(30, null)]
    [TestCase(3, RunOutcomes.Missed)]
    public void Plan_ALateStart_RunsOnlyWithinItsStartingDeadline(int deadlineSeconds, string? outcome)
    {
        _time.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(10));

        var decision = SchedulePlanner.Plan(Job("* * * * *", deadline: deadlineSeconds), [], true, _time.GetUtcNow());

        decision.Runs.Should().ContainSingle().Which.Outcome.Should().Be(outcome);
        decision.ScheduledThrough.Should().Be(Start.AddMinutes(1));
        if (outcome is not null)
            decision.Runs[0].Reason.Should().Contain("10 s late").And.Contain("starting deadline of 3 s");
    }

    [Test]
    public void Plan_ALatePassWithinTheTolerance_SkipsTheEarlierTimesInsteadOfCallingThemMissed()
    {
        _time.Advance(TimeSpan.FromMilliseconds(3200));

        var decision = SchedulePlanner.Plan(Job(), [], true, _time.GetUtcNow());

        decision.Runs.Select(r => r.Outcome).Should().Equal(RunOutcomes.Skipped, null);
        decision.Runs[0].ScheduledFor.Should().Be(Start.AddSeconds(2));
        decision.Runs[0].Reason.Should().Contain("2 starts from").And.Contain("busy");
    }

    [Test]
    public void Plan_WithoutAServingRelease_SkipsWithTheReason()
    {
        _time.Advance(TimeSpan.FromMilliseconds(1100));

        var decision = SchedulePlanner.Plan(Job(), [], releaseServing: false, _time.GetUtcNow());

        decision.Runs.Should().ContainSingle().Which.Should().Be(new ScheduledRun(JobId, Start.AddSeconds(1), RunOutcomes.Skipped,
            "the app has no serving release to run it from: deploy it first"));
    }

    [Test]
    public void Plan_AChangedSchedule_CountsFromTheChange()
    {
        _time.Advance(TimeSpan.FromHours(3) + TimeSpan.FromMinutes(30));

        var decision = SchedulePlanner.Plan(Job("0 * * * *", from: _time.GetUtcNow().AddMinutes(-1), through: Start), [], true, _time.GetUtcNow());

        decision.Changes.Should().BeFalse("times of the old schedule before the change never run");
    }
}
