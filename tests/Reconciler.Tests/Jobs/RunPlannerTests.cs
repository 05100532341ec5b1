using Microsoft.Extensions.Time.Testing;
using PersonalCloud.Contracts.Jobs;
using PersonalCloud.Reconciler.Containers;
using PersonalCloud.Reconciler.Jobs;
using static PersonalCloud.Reconciler.Tests.Jobs.JobScenario;

namespace PersonalCloud.Reconciler.Tests.Jobs;

public sealed class RunPlannerTests
{
    private FakeTimeProvider _time = null!;

    [SetUp]
    public void SetUp() => _time = new FakeTimeProvider(Start.AddSeconds(5));

    private IReadOnlyList<RunAction> Plan(OpenRun run, RunContainer? container = null) =>
        RunPlanner.Plan([run], container is null ? [] : [container], _time.GetUtcNow());

    [Test]
    public void Plan_AQueuedRunWithoutContainer_StartsIt()
    {
        var run = Run(scheduledFor: Start);

        Plan(run).Should().Equal(new StartRun(run));
    }

    [Test]
    public void Plan_AQueuedRunPastItsStartingDeadline_IsMissedNotStarted()
    {
        var run = Run(scheduledFor: Start, deadline: 2);

        Plan(run).Should().ContainSingle().Which.Should().BeOfType<FinishRun>().Which.Outcome.Should().Be(RunOutcomes.Missed);
    }

    [Test]
    public void Plan_AQueuedRunTheOwnerStopped_EndsAsStoppedWithoutStarting()
    {
        var run = Run(scheduledFor: Start, stopRequestedAt: Start);

        var finish = Plan(run).Should().ContainSingle().Which.Should().BeOfType<FinishRun>().Subject;
        finish.Outcome.Should().Be(RunOutcomes.Stopped);
        finish.Container.Should().BeNull();
    }

    [Test]
    public void Plan_ARunningContainerWithoutARecordedStart_IsAdopted()
    {
        var run = Run(scheduledFor: Start);
        var container = Container(run, ContainerState.Running);

        Plan(run, container).Should().Equal(new AdoptRun(run, container));
    }

    [Test]
    public void Plan_ARunningRun_IsLeftAloneUntilItsTimeout()
    {
        var run = Run(scheduledFor: Start, startedAt: Start, containerId: "c1", timeoutSeconds: 10);
        var container = Container(run, ContainerState.Running);

        Plan(run, container).Should().BeEmpty();
        _time.Advance(TimeSpan.FromSeconds(5));
        var stop = Plan(run, container).Should().ContainSingle().Which.Should().BeOfType<StopRun>().Subject;
        stop.Outcome.Should().Be(RunOutcomes.TimedOut);
        stop.StopReason.Should().StartWith("ran longer than its timeout of 10 s");
    }

    [Test]
    public void Plan_ARunTheOwnerStops_IsStoppedAsStopped()
    {
        var run = Run(scheduledFor: Start, startedAt: Start, containerId: "c1", stopRequestedAt: Start.AddSeconds(4));
        var container = Container(run, ContainerState.Running);

        Plan(run, container).Should().Equal(new StopRun(run, container, RunOutcomes.Stopped, "stopped by the owner"));
    }

    [TestCase(0, false, null, RunOutcomes.Succeeded, null)]
    [TestCase(3, false, null, RunOutcomes.Failed, "exited with code 3")]
    [TestCase(127, false, null, RunOutcomes.Failed, "exited with code 127 (command not found)")]
    [TestCase(137, true, null, RunOutcomes.Failed, "killed: out of memory (over its memory limit)")]
    [TestCase(143, false, RunOutcomes.TimedOut, RunOutcomes.TimedOut, "ran too long")]
    [TestCase(143, false, RunOutcomes.Stopped, RunOutcomes.Stopped, "ran too long")]
    public void Plan_AnExitedContainer_EndsTheRunWithItsOutcome(int exitCode, bool oom, string? stopOutcome, string outcome, string? reason)
    {
        var run = Run(scheduledFor: Start, startedAt: Start, containerId: "c1", stopOutcome: stopOutcome, stopReason: stopOutcome is null ? null : "ran too long");
        var container = Container(run, ContainerState.Exited, exitCode, oom);

        Plan(run, container).Should().Equal(new FinishRun(run, container, outcome, reason, exitCode));
    }

    [Test]
    public void Plan_AContainerTheEngineCouldNotStart_FailsTheRunWithTheEnginesReason()
    {
        var run = Run(scheduledFor: Start, startedAt: Start, containerId: "c1");
        var container = Container(run, ContainerState.Created, startError: "exec: \"/bin/sh\": stat /bin/sh: no such file or directory");

        var finish = Plan(run, container).Should().ContainSingle().Which.Should().BeOfType<FinishRun>().Subject;
        finish.Outcome.Should().Be(RunOutcomes.Failed);
        finish.OutcomeReason.Should().Contain("/bin/sh");
    }

    [Test]
    public void Plan_AStartedRunWhoseContainerVanished_Fails()
    {
        var run = Run(scheduledFor: Start, startedAt: Start, containerId: "c1");

        Plan(run).Should().ContainSingle().Which.Should().BeOfType<FinishRun>().Which.OutcomeReason.Should().Contain("disappeared");
    }

    [Test]
    public void Plan_AContainerOfNoOpenRun_IsRemoved()
    {
        var gone = Run(scheduledFor: Start);
        var container = Container(gone, ContainerState.Running);

        RunPlanner.Plan([], [container], _time.GetUtcNow()).Should().Equal(
            new RemoveRunContainer(container, "its run is over or was deleted (with its job or app)"));
    }
}
