using PersonalCloud.Contracts.Apps;
using PersonalCloud.Contracts.Processes;
using PersonalCloud.Reconciler.Containers;
using PersonalCloud.Reconciler.Planning;
using static PersonalCloud.Reconciler.Tests.Planning.PlannerScenario;
using static PersonalCloud.Reconciler.Tests.Planning.ProcessScenario;

namespace PersonalCloud.Reconciler.Tests.Planning;

/// <summary>A new release of several processes and replicas: started beside the old, switched together, failed together.</summary>
public sealed class ProcessRolloutPlannerTests
{
    private static readonly ProcessDefinition Web3 = Web with { Replicas = 3 };

    [Test]
    public void FirstDeploy_ThreeWebReplicasAndAWorker_StartsEveryReplicaAfterThe503Route()
    {
        var app = App([Web3, Worker]);
        var plan = PlanFor(app, ObservedApp.From([], false, null, new HashSet<string>()));

        plan.Kinds().Should().Equal(nameof(EnsureNetwork), nameof(RouteTraffic), nameof(StartContainer), nameof(StartContainer), nameof(StartContainer), nameof(StartContainer));
        plan.Started().Should().Equal(("web", 0), ("web", 1), ("web", 2), ("worker", 0));
        plan.Actions.OfType<StartContainer>().Select(s => s.Spec.Name).Should().OnlyHaveUniqueItems();
        plan.RoutedTo().Should().BeEmpty();
        plan.Phase.Should().Be(AppPhase.Deploying);
        plan.Replicas!.Select(r => r.Status).Should().AllBe(ReplicaStatuses.Starting);
    }

    // ready web replicas, worker age (s), switch?
    [TestCase(2, 10, false)]
    [TestCase(3, 1, false)]
    [TestCase(3, 2, true)]
    public void NewRelease_SwitchesOnlyOnceEveryReplicaOfEveryProcessIsReady(int readyWeb, int workerAge, bool switches)
    {
        var app = App([Web3, Worker], current: OldReleaseId);
        var (oldWeb, oldWorker) = (OldReplica("web", 0), OldReplica("worker", 0, ProcessKinds.Worker));
        var web = Enumerable.Range(0, 3).Select(i => Replica(app, "web", i)).ToArray();
        var worker = Replica(app, "worker", 0, ageSeconds: workerAge);
        var plan = PlanFor(app, Seen(RouteTo(600, oldWeb), web.Take(readyWeb), [oldWeb, oldWorker, .. web, worker]));

        plan.SwitchesRelease.Should().Be(switches);
        plan.ServingReleaseId.Should().Be(switches ? ReleaseId : OldReleaseId);
        if (switches)
        {
            plan.RoutedTo().Should().BeEquivalentTo(web.Select(Upstream));
            plan.Removed().Should().Equal("old-worker-0");
            plan.Actions.OfType<RemoveContainer>().Single().WaitForRoute.Should().BeFalse("a worker never had traffic");
            plan.Kinds().Should().Equal(nameof(RouteTraffic), nameof(RemoveContainer));
            plan.RequeueAfter.Should().Be(PlanTiming.RouteRefresh + TimeSpan.FromSeconds(3), "the old web replica drains");
        }
        else
        {
            plan.Actions.Should().BeEmpty("everything keeps serving on the old release until the new one is ready as a whole");
            plan.Phase.Should().Be(AppPhase.Deploying);
        }
    }

    [TestCase("worker", ContainerState.Exited, 1, "process worker, replica 0: container exited with code 1")]
    [TestCase("web", ContainerState.Exited, 2, "process web, replica 1: container exited with code 2")]
    public void NewRelease_AnyReplicaFails_FailsTheReleaseAndEveryProcessStaysOnTheOld(string failing, ContainerState state, int exitCode, string reason)
    {
        var app = App([Web3, Worker], current: OldReleaseId);
        var (oldWeb, oldWorker) = (OldReplica("web", 0), OldReplica("worker", 0, ProcessKinds.Worker));
        var web = Enumerable.Range(0, 3).Select(i => failing == "web" && i == 1 ? Replica(app, "web", i, state, exitCode: exitCode) : Replica(app, "web", i)).ToArray();
        var worker = failing == "worker" ? Replica(app, "worker", 0, state, exitCode: exitCode) : Replica(app, "worker", 0, ageSeconds: 10);
        var plan = PlanFor(app, Seen(RouteTo(600, oldWeb), web, [oldWeb, oldWorker, .. web, worker]));

        plan.FailRelease.Should().Be(reason);
        plan.FailedStage.Should().Be(ReleaseStages.HealthChecking);
        plan.Removed().Should().BeEquivalentTo(web.Select(c => c.Id).Append(worker.Id), "every container of the failed release goes");
        plan.Removed().Should().NotContain(["old-web-0", "old-worker-0"]);
        plan.Kinds().Should().NotContain(nameof(RouteTraffic));
        plan.Phase.Should().Be(AppPhase.Running);
        plan.ServingReleaseId.Should().Be(OldReleaseId);
    }

    [Test]
    public void NewRelease_StopFirstWorker_IsStartedOnlyAtTheSwitchAfterItsOldReplicaStopped()
    {
        var singleton = Worker with { UpdateOrder = UpdateOrders.StopFirst };
        var app = App([Web, singleton], current: OldReleaseId);
        var (oldWeb, oldWorker) = (OldReplica("web", 0), OldReplica("worker", 0, ProcessKinds.Worker));
        var web = Replica(app, "web", 0);

        var waiting = PlanFor(app, Seen(RouteTo(600, oldWeb), [], oldWeb, oldWorker, web));
        waiting.Started().Should().BeEmpty("the web replica is not healthy yet, and the stop-first worker waits for the switch");
        waiting.Replicas!.Single(r => r.Process == "worker").Status.Should().Be(ReplicaStatuses.Pending);

        var switching = PlanFor(app, Seen(RouteTo(600, oldWeb), [web], oldWeb, oldWorker, web));
        switching.SwitchesRelease.Should().BeTrue();
        switching.Kinds().Should().Equal(nameof(RouteTraffic), nameof(RemoveContainer), nameof(StartContainer));
        switching.Removed().Should().Equal("old-worker-0");
        switching.Started().Should().Equal(("worker", 0));
    }

    [Test]
    public void NewRelease_WorkerOnlyApp_SwitchesWithoutTraffic_AndItsStageIsSwitching()
    {
        var app = App([Worker], current: OldReleaseId);
        var oldWorker = OldReplica("worker", 0, ProcessKinds.Worker);
        var worker = Replica(app, "worker", 0, ageSeconds: 3);
        var plan = PlanFor(app, Seen(Route(600), [], oldWorker, worker));

        plan.SwitchesRelease.Should().BeTrue();
        plan.Removed().Should().Equal("old-worker-0");
        plan.Kinds().Should().NotContain(nameof(RouteTraffic), "no web process: the hostnames keep answering 503");
        ReleaseStagePlanner.Before(plan.Actions.Single(), ReleaseId, plan).Should().Be(ReleaseStages.Switching);
        ReleaseStagePlanner.AfterPass(plan, ReleaseId).Should().Be(ReleaseStages.Live);
    }

    [Test]
    public void Worker_WithALivenessCommand_IsReadyOnlyOnceItPassed()
    {
        var app = App([Worker with { LivenessCommand = "test -f /tmp/alive" }], current: OldReleaseId);
        var oldWorker = OldReplica("worker", 0, ProcessKinds.Worker);
        var worker = Replica(app, "worker", 0, ageSeconds: 30);

        PlanFor(app, Seen(null, [], oldWorker, worker)).SwitchesRelease.Should().BeFalse();
        PlanFor(app, Seen(null, [worker], oldWorker, worker)).SwitchesRelease.Should().BeTrue();
    }

    [Test]
    public void Spec_ProcessesHaveHashesOfTheirOwn_AndReplicasShareTheirProcesssHash()
    {
        var app = App([Web3, Worker]);
        var web = SpecOf(app, "web");
        var worker = SpecOf(app, "worker");

        worker.Spec.SpecHash.Should().NotBe(web.Spec.SpecHash);
        web.ForReplica(2).SpecHash.Should().Be(web.Spec.SpecHash);
        web.ForReplica(2).Name.Should().NotBe(web.Spec.Name);
        worker.Spec.ExposesPort.Should().BeFalse();
        worker.Spec.Command.Should().Be("exec ./work");
    }

    [Test]
    public void OtherKindsOfContainers_AreNeverTheAppPlannersToRemove_ButGoWithTheApp()
    {
        var app = App([Web], current: ReleaseId);
        var web = Replica(app, "web", 0);
        var run = Container("run-1", "runhash", ip: "172.30.3.3") with { Kind = "run" };
        var stoppedJob = Container("job-1", "jobhash", ContainerState.Exited, ip: "172.30.3.4", exitCode: 0) with { Kind = "job" };

        PlanFor(app, Seen(RouteTo(600, web), [web], web, run, stoppedJob)).Actions.Should().BeEmpty();
        Plan(null, Seen(RouteTo(600, web), [], web, run, stoppedJob)).Removed().Should().BeEquivalentTo(["web-0", "run-1", "job-1"]);
    }
}
