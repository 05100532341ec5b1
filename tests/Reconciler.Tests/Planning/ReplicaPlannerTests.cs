using PersonalCloud.Contracts.Apps;
using PersonalCloud.Contracts.Processes;
using PersonalCloud.Reconciler.Containers;
using PersonalCloud.Reconciler.Desired;
using PersonalCloud.Reconciler.Planning;
using static PersonalCloud.Reconciler.Tests.Planning.PlannerScenario;
using static PersonalCloud.Reconciler.Tests.Planning.ProcessScenario;

namespace PersonalCloud.Reconciler.Tests.Planning;

/// <summary>The serving release's replicas: crashes one by one, scaling up and down, restarts, and after a failed deploy.</summary>
public sealed class ReplicaPlannerTests
{
    [Test]
    public void WorkerReplicaCrashes_IsCountedAndBackedOff_WhileTheWebKeepsServing()
    {
        var app = App([Web, Worker with { Replicas = 2 }], current: ReleaseId);
        var web = Replica(app, "web", 0, ageSeconds: 600);
        var crashed = Replica(app, "worker", 1, ContainerState.Exited, exitCode: 4);
        var plan = PlanFor(app, Seen(RouteTo(600, web), [web], web, Replica(app, "worker", 0, ageSeconds: 600), crashed));

        plan.Removed().Should().Equal(crashed.Id);
        plan.Kinds().Should().NotContain(nameof(RouteTraffic));
        plan.Phase.Should().Be(AppPhase.CrashLooping);
        var status = plan.Replicas!.Single(r => r.Process == "worker" && r.Index == 1);
        status.Crash.Should().Be(new CrashUpdate(1, 4, Now, Now.AddSeconds(10), "container exited with code 4"));
        status.Restarted.Should().BeTrue();
        plan.Replicas!.Where(r => r != status).Select(r => r.Status).Should().AllBe(ReplicaStatuses.Running);
        plan.LastError.Should().StartWith("process worker, replica 1: container exited with code 4; restarting in 10s");
        plan.RequeueAfter.Should().Be(TimeSpan.FromSeconds(10));
    }

    [Test]
    public void CrashedWorkerReplica_IsStartedAgainOnlyAfterItsOwnBackoff()
    {
        var key = new ReplicaKey("worker", 0);
        var waiting = App([Worker], current: ReleaseId, crashes: new() { [key] = new CrashState(2, 1, Now.AddSeconds(15)) });
        var due = App([Worker], current: ReleaseId, crashes: new() { [key] = new CrashState(2, 1, Now.AddSeconds(-1)) });

        PlanFor(waiting, Seen(null, [])).Started().Should().BeEmpty();
        PlanFor(waiting, Seen(null, [])).RequeueAfter.Should().Be(TimeSpan.FromSeconds(15));
        PlanFor(due, Seen(null, [])).Started().Should().Equal(("worker", 0));
        PlanFor(due, Seen(null, [])).Phase.Should().Be(AppPhase.CrashLooping);
    }

    [Test]
    public void OneOfThreeWebReplicasCrashes_LeavesTheRouteToTheOtherTwo()
    {
        var app = App([Web with { Replicas = 3 }], current: ReleaseId);
        var (a, b) = (Replica(app, "web", 0, ageSeconds: 600), Replica(app, "web", 1, ageSeconds: 600));
        var dead = Replica(app, "web", 2, ContainerState.Exited, exitCode: 137);
        var plan = PlanFor(app, Seen(RouteTo(600, a, b, dead), [a, b], a, b, dead));

        plan.RoutedTo().Should().BeEquivalentTo([Upstream(a), Upstream(b)]);
        plan.Removed().Should().Equal(dead.Id);
        plan.Phase.Should().Be(AppPhase.CrashLooping);
    }

    [Test]
    public void ScaleWebUp_NewReplicasJoinTheRouteAsTheyBecomeHealthy()
    {
        var app = App([Web with { Replicas = 3 }], current: ReleaseId);
        var first = Replica(app, "web", 0, ageSeconds: 600);
        var (second, third) = (Replica(app, "web", 1, ageSeconds: 1), Replica(app, "web", 2, ageSeconds: 1));

        var starting = PlanFor(app, Seen(RouteTo(600, first), [first], first));
        starting.Started().Should().Equal(("web", 1), ("web", 2));
        starting.Kinds().Should().NotContain(nameof(RouteTraffic));
        starting.Phase.Should().Be(AppPhase.Deploying);

        var oneHealthy = PlanFor(app, Seen(RouteTo(600, first), [first, second], first, second, third));
        oneHealthy.RoutedTo().Should().BeEquivalentTo([Upstream(first), Upstream(second)]);
        oneHealthy.Removed().Should().BeEmpty();

        var converged = PlanFor(app, Seen(RouteTo(1, first, second), [first, second, third], first, second, third));
        converged.RoutedTo().Should().BeEquivalentTo([Upstream(first), Upstream(second), Upstream(third)]);
        converged.Phase.Should().Be(AppPhase.Running);
    }

    [Test]
    public void ScaleWebDown_ExtraReplicasLeaveTheRouteDrainAndGo()
    {
        var app = App([Web with { Replicas = 1 }], current: ReleaseId);
        var replicas = Enumerable.Range(0, 3).Select(i => Replica(app, "web", i, ageSeconds: 600)).ToArray();

        var leaving = PlanFor(app, Seen(RouteTo(600, replicas), replicas, replicas));
        leaving.RoutedTo().Should().Equal(Upstream(replicas[0]));
        leaving.Removed().Should().BeEmpty("they drain first");
        leaving.RequeueAfter.Should().Be(PlanTiming.RouteRefresh + TimeSpan.FromSeconds(3));

        var gone = PlanFor(app, Seen(RouteTo(60, replicas[0]), replicas, replicas));
        gone.Removed().Should().BeEquivalentTo(["web-1", "web-2"]);
        gone.Replicas!.Should().ContainSingle();
    }

    [Test]
    public void ScaleWorkerDown_StopsTheExtraReplicasAtOnce()
    {
        var app = App([Worker with { Replicas = 1 }], current: ReleaseId);
        var workers = Enumerable.Range(0, 3).Select(i => Replica(app, "worker", i, ageSeconds: 600)).ToArray();
        var plan = PlanFor(app, Seen(null, [], workers));

        plan.Removed().Should().BeEquivalentTo(["worker-1", "worker-2"]);
        plan.Actions.OfType<RemoveContainer>().Should().AllSatisfy(r => r.StopTimeout.Should().Be(TimeSpan.FromSeconds(10)));
        plan.RequeueAfter.Should().BeNull();
    }

    [Test]
    public void ScaleToZero_StopsEveryReplica_AndTheHostnamesAnswer503()
    {
        var app = App([Web with { Replicas = 0 }], current: ReleaseId);
        var web = Replica(app, "web", 0, ageSeconds: 600);
        var plan = PlanFor(app, Seen(RouteTo(600, web), [web], web));

        plan.RoutedTo().Should().BeEmpty();
        plan.Phase.Should().Be(AppPhase.Running);
        plan.Replicas.Should().BeEmpty();
    }

    [Test]
    public void Restart_TwoWebReplicas_NewOnesJoinTheOldUntilAllAreReady_ThenTheOldLeave()
    {
        var app = App([Web with { Replicas = 2 }], current: ReleaseId);
        var restarted = app with { RestartGeneration = 1 };
        var old = Enumerable.Range(0, 2).Select(i => Replica(app, "web", i, ageSeconds: 600) with { Id = $"old-{i}", IpAddress = $"172.30.8.{i}" }).ToArray();
        var fresh = Enumerable.Range(0, 2).Select(i => Replica(restarted, "web", i, ageSeconds: 1)).ToArray();

        var half = PlanFor(restarted, Seen(RouteTo(600, old), [fresh[0]], [.. old, .. fresh]));
        half.RoutedTo().Should().BeEquivalentTo(old.Append(fresh[0]).Select(Upstream), "a healthy replica of the serving release joins at once");
        half.Removed().Should().BeEmpty();

        var all = PlanFor(restarted, Seen(RouteTo(600, old), fresh, [.. old, .. fresh]));
        all.RoutedTo().Should().BeEquivalentTo(fresh.Select(Upstream));
        all.Phase.Should().Be(AppPhase.Running);
    }

    [Test]
    public void AfterAFailedDeploy_TheServingReleasesCrashedReplicaIsRestartedWithBackoff()
    {
        var serving = App([Web], current: ReleaseId);
        var failed = serving with { Release = serving.Release! with { Id = Guid.NewGuid(), Status = ReleaseStatus.Failed, FailureReason = "build failed: x" } };
        var crashed = Replica(serving, "web", 0, ContainerState.Exited, exitCode: 1);
        var fallback = new ServingFallback(serving.Release!, Specs(serving));

        var plan = PlanFor(failed, Seen(RouteTo(600), [], crashed), fallback: fallback);
        plan.Phase.Should().Be(AppPhase.CrashLooping);
        plan.Crash!.Count.Should().Be(1);
        plan.FailRelease.Should().BeNull();

        var restarting = PlanFor(failed with { Crashes = new Dictionary<ReplicaKey, CrashState> { [new("web", 0)] = new(1, 1, Now.AddSeconds(-1)) } },
            Seen(RouteTo(600), []), fallback: fallback);
        restarting.Started().Should().Equal(("web", 0));
        restarting.Actions.OfType<StartContainer>().Single().Spec.ReleaseId.Should().Be(ReleaseId, "the release that served runs again, not the failed one");
    }

    [Test]
    public void AfterAFailedDeploy_AScaleAppliesToTheServingRelease_AndTheFailureStaysTheLastError()
    {
        var serving = App([Web with { Replicas = 2 }], current: ReleaseId);
        var failed = serving with { Release = serving.Release! with { Id = Guid.NewGuid(), Status = ReleaseStatus.Failed, FailureReason = "build failed: x" } };
        var web = Replica(serving, "web", 0, ageSeconds: 600);
        var plan = PlanFor(failed, Seen(RouteTo(600, web), [web], web), fallback: new ServingFallback(serving.Release!, Specs(serving)));

        plan.Started().Should().Equal(("web", 1));
        plan.LastError.Should().Be("build failed: x");
    }
}
