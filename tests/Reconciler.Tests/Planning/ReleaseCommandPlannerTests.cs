using PersonalCloud.Contracts.Apps;
using PersonalCloud.Contracts.Labels;
using PersonalCloud.Reconciler.Containers;
using PersonalCloud.Reconciler.Planning;
using static PersonalCloud.Reconciler.Tests.Planning.PlannerScenario;
using static PersonalCloud.Reconciler.Tests.Planning.ProcessScenario;

namespace PersonalCloud.Reconciler.Tests.Planning;

/// <summary>A new release's release command: once, before any process starts; a failure or timeout fails the release.</summary>
public sealed class ReleaseCommandPlannerTests
{
    private const string Migrate = "./migrate";

    private static ObservedContainer CommandContainer(ContainerState state, int ageSeconds = 5, int? exitCode = null, string? lastLine = null)
    {
        var app = App([Web], current: OldReleaseId, releaseCommand: Migrate);
        var spec = ContainerSpecs.BuildReleaseCommand(app, app.Release!, Image)!;
        return new ObservedContainer("cmd", spec.Name, AppId, ReleaseId, spec.SpecHash, state, exitCode, "172.30.5.5", Now.AddSeconds(-ageSeconds),
            LastLogLine: lastLine, Kind: ContainerLabels.KindReleaseCommand);
    }

    private static ReconcilePlan PlanWith(params ObservedContainer[] containers) =>
        PlanFor(App([Web], current: OldReleaseId, releaseCommand: Migrate), Seen(RouteTo(600, OldReplica("web", 0)), [], [OldReplica("web", 0), .. containers]));

    [Test]
    public void NewRelease_RunsItsReleaseCommandFirst_AndNoProcessYet()
    {
        var plan = PlanWith();

        plan.Kinds().Should().Equal(nameof(StartContainer));
        var start = plan.Actions.OfType<StartContainer>().Single();
        start.Spec.Kind.Should().Be(ContainerLabels.KindReleaseCommand);
        start.Spec.Command.Should().Be(Migrate);
        start.Spec.ExposesPort.Should().BeFalse();
        ReleaseStagePlanner.Before(start, ReleaseId, plan).Should().Be(ReleaseStages.ReleaseCommand);
        ReleaseStagePlanner.After(start, ReleaseId).Should().BeNull();
        plan.ServingReleaseId.Should().Be(OldReleaseId);
    }

    [Test]
    public void WhileItRuns_NothingElseHappens() =>
        PlanWith(CommandContainer(ContainerState.Running)).Actions.Should().BeEmpty();

    [Test]
    public void ExitedZero_IsRecordedBeforeItsContainerGoes_ThenTheProcessesStart()
    {
        var plan = PlanWith(CommandContainer(ContainerState.Exited, exitCode: 0));

        plan.Kinds().Should().Equal(nameof(RecordReleaseCommand), nameof(RemoveContainer));
        plan.RequeueAfter.Should().Be(TimeSpan.Zero);

        var next = PlanFor(App([Web], current: OldReleaseId, releaseCommand: Migrate, commandSucceeded: true), Seen(RouteTo(600, OldReplica("web", 0)), [], OldReplica("web", 0)));
        next.Started().Should().Equal(("web", 0));
    }

    [TestCase(ContainerState.Exited, 0, 2, "the release command failed: container exited with code 2; last log line: relation \"users\" already exists")]
    [TestCase(ContainerState.Running, 601, null, "the release command did not finish within 600s: it is stopped (SIGTERM, then SIGKILL after the stop timeout)")]
    public void FailedOrTimedOut_FailsTheReleaseAtItsStage_AndTheOldKeepsServing(ContainerState state, int ageSeconds, int? exitCode, string reason)
    {
        var plan = PlanWith(CommandContainer(state, ageSeconds, exitCode, "relation \"users\" already exists"));

        plan.FailRelease.Should().Be(reason);
        plan.FailedStage.Should().Be(ReleaseStages.ReleaseCommand);
        plan.Phase.Should().Be(AppPhase.Running);
        plan.ServingReleaseId.Should().Be(OldReleaseId);
        plan.Actions.Should().BeEmpty("its container stays until the failure is recorded, so a crash in between never runs it twice");
    }

    [Test]
    public void AfterTheReleaseFailed_ItsReleaseCommandContainerIsRemoved()
    {
        var failed = App([Web], current: OldReleaseId, status: ReleaseStatus.Failed, releaseCommand: Migrate);
        var plan = PlanFor(failed, Seen(RouteTo(600, OldReplica("web", 0)), [], OldReplica("web", 0), CommandContainer(ContainerState.Running, 700)));

        plan.Removed().Should().Equal("cmd");
    }

    [Test]
    public void TheServingRelease_NeverRunsItAgain() =>
        PlanFor(App([Web], current: ReleaseId, releaseCommand: Migrate), Seen(null, [])).Started().Should().Equal(("web", 0));
}
