using PersonalCloud.Contracts.Jobs;
using PersonalCloud.Reconciler.Jobs;
using static PersonalCloud.Reconciler.Tests.Jobs.JobScenario;

namespace PersonalCloud.Reconciler.Tests.Jobs;

public sealed class JobAttentionTests
{
    private static readonly JobAttentionSettings Settings = new(FailureThreshold: 3, AutoSuspendAfter: 5);
    private static readonly JobStatus Clean = new(Start, 0, null, null, null, null);

    private static (JobStatus Status, List<JobAttentionEvent> Events) Apply(JobStatus status, params string[] outcomes)
    {
        var events = new List<JobAttentionEvent>();
        foreach (var outcome in outcomes)
        {
            (status, var e) = JobAttention.After("nightly", status, outcome, "exited with code 1", Start, Settings);
            if (e is not null)
                events.Add(e);
        }

        return (status, events);
    }

    [Test]
    public void After_FailuresInARow_FlagTheJobOnceAtTheThreshold()
    {
        var (status, events) = Apply(Clean, RunOutcomes.Failed, RunOutcomes.TimedOut, RunOutcomes.Failed, RunOutcomes.Failed);

        status.ConsecutiveFailures.Should().Be(4);
        status.Attention.Should().Be(JobAttentionKinds.Failing);
        status.AttentionReason.Should().Be("failed 4 times in a row (last: exited with code 1)");
        events.Should().Equal(new JobAttentionEvent(JobAttention.FailingAction, "job nightly failed 3 times in a row (last: exited with code 1)", Failure: true));
    }

    [Test]
    public void After_SkippedAndStoppedRuns_DoNotBreakOrExtendTheStreak()
    {
        var (status, events) = Apply(Clean, RunOutcomes.Failed, RunOutcomes.Skipped, RunOutcomes.Stopped, RunOutcomes.Failed);

        status.ConsecutiveFailures.Should().Be(2);
        events.Should().BeEmpty();
    }

    [Test]
    public void After_EnoughFailures_SuspendsTheJob_UntilTheOwnerResumesIt()
    {
        var (status, events) = Apply(Clean, Enumerable.Repeat(RunOutcomes.Failed, 5).ToArray());

        status.Attention.Should().Be(JobAttentionKinds.AutoSuspended);
        status.AutoSuspendedAt.Should().Be(Start);
        events.Select(e => e.Action).Should().Equal(JobAttention.FailingAction, JobAttention.AutoSuspendedAction);
        JobAttention.Resumed(status).Should().Be(Clean with { ScheduledThrough = status.ScheduledThrough });
    }

    [Test]
    public void After_ASuccess_ClearsAFailingStreakAndSaysSo()
    {
        var (failing, _) = Apply(Clean, RunOutcomes.Failed, RunOutcomes.Failed, RunOutcomes.Failed);

        var (status, events) = Apply(failing, RunOutcomes.Succeeded);

        status.Should().Be(Clean);
        events.Should().ContainSingle().Which.Action.Should().Be(JobAttention.RecoveredAction);
    }

    [Test]
    public void After_AMissedStart_FlagsTheJobUntilARunSucceeds()
    {
        var (status, events) = Apply(Clean, RunOutcomes.Missed);

        status.Attention.Should().Be(JobAttentionKinds.Missed);
        events.Should().ContainSingle().Which.Action.Should().Be(JobAttention.MissedAction);
        Apply(status, RunOutcomes.Succeeded).Status.Attention.Should().BeNull();
    }
}
