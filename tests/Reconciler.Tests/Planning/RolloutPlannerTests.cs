using PersonalCloud.Reconciler.Containers;
using PersonalCloud.Reconciler.Desired;
using PersonalCloud.Reconciler.Planning;
using static PersonalCloud.Reconciler.Tests.Planning.PlannerScenario;

namespace PersonalCloud.Reconciler.Tests.Planning;

/// <summary>Health-gated switch, drain, failed releases and crash loops.</summary>
public sealed class RolloutPlannerTests
{
    [Test]
    public void Plan_CandidateNotYetHealthy_LeavesTheOldServingAndPollsAgain()
    {
        var desired = DesiredWith(currentRelease: OldReleaseId);
        var plan = Plan(desired, Observed(route: Route(600, $"{OldIp}:8080"), containers: [Old(), Container("new", Spec(desired).SpecHash)]));

        plan.Actions.Should().BeEmpty();
        plan.Phase.Should().Be(AppPhase.Deploying);
        plan.ServingReleaseId.Should().Be(OldReleaseId);
        plan.RequeueAfter.Should().Be(PlanTiming.HealthPoll);
    }

    [Test]
    public void Plan_CandidateHealthy_SwitchesTrafficAndKeepsTheOldUntilItHasDrained()
    {
        var desired = DesiredWith(currentRelease: OldReleaseId);
        var plan = Plan(desired, Observed(route: Route(600, $"{OldIp}:8080"), healthy: true, containers: [Old(), Container("new", Spec(desired).SpecHash)]));

        plan.Kinds().Should().Equal(nameof(RouteTraffic));
        plan.Actions.OfType<RouteTraffic>().Single().Route.Upstreams.Should().Equal($"{NewIp}:8080");
        plan.ServingReleaseId.Should().Be(ReleaseId);
        plan.RequeueAfter.Should().Be(PlanTiming.RouteRefresh + TimeSpan.FromSeconds(3), "refresh plus the drain period");
    }

    [TestCase(1, false)]
    [TestCase(3, false)]
    [TestCase(4, true)]
    public void Plan_AfterTheSwitch_RemovesTheOldOnlyOnceRefreshAndDrainHavePassed(int secondsSinceSwitch, bool removed)
    {
        var desired = DesiredWith(currentRelease: ReleaseId);
        var plan = Plan(desired, Observed(route: Route(secondsSinceSwitch, $"{NewIp}:8080"), healthy: true, containers: [Old(), Container("new", Spec(desired).SpecHash)]));

        plan.Removed().Should().Equal(removed ? ["old"] : []);
        plan.RequeueAfter.Should().Be(removed ? null : PlanTiming.RouteRefresh + TimeSpan.FromSeconds(3 - secondsSinceSwitch));
        if (removed)
            plan.Actions.OfType<RemoveContainer>().Single().StopTimeout.Should().Be(TimeSpan.FromSeconds(10));
    }

    [Test]
    public void Plan_NewReleaseContainerExits_FailsTheReleaseAndTheOldKeepsServing()
    {
        var desired = DesiredWith(currentRelease: OldReleaseId);
        var crashed = Container("new", Spec(desired).SpecHash, ContainerState.Exited, exitCode: 3);
        var plan = Plan(desired, Observed(route: Route(600, $"{OldIp}:8080"), containers: [Old(), crashed]));

        plan.Removed().Should().Equal("new");
        plan.FailRelease.Should().Contain("code 3");
        plan.Phase.Should().Be(AppPhase.Running);
        plan.ServingReleaseId.Should().Be(OldReleaseId);
        plan.Crash.Should().BeNull("a release that never served is a failed deploy, not a crash loop");
    }

    [Test]
    public void Plan_NewReleaseContainerTheEngineCannotStart_FailsTheReleaseWithTheEnginesReason()
    {
        var desired = DesiredWith(currentRelease: OldReleaseId);
        var refused = Container("new", Spec(desired).SpecHash, ContainerState.Created) with { StartError = "unable to find user app: no matching entries in passwd file" };
        var plan = Plan(desired, Observed(route: Route(600, $"{OldIp}:8080"), containers: [Old(), refused]));

        plan.Removed().Should().Equal("new");
        plan.FailRelease.Should().Be("the engine could not start the container: unable to find user app: no matching entries in passwd file");
        plan.Phase.Should().Be(AppPhase.Running);
        plan.ServingReleaseId.Should().Be(OldReleaseId);
        plan.Kinds().Should().NotContain(nameof(StartContainer), "starting it again fails the same way");
    }

    [Test]
    public void Plan_ContainerCreatedButNotYetStarted_IsStartedNotFailed()
    {
        var desired = DesiredWith(currentRelease: OldReleaseId);
        var created = Container("new", Spec(desired).SpecHash, ContainerState.Created);
        var plan = Plan(desired, Observed(route: Route(600, $"{OldIp}:8080"), containers: [Old(), created]));

        plan.FailRelease.Should().BeNull();
        plan.Kinds().Should().Contain(nameof(StartContainer));
    }

    [Test]
    public void Plan_NewReleaseNeverHealthyPastDeadline_FailsIt()
    {
        var desired = DesiredWith(currentRelease: OldReleaseId);
        var stuck = Container("new", Spec(desired).SpecHash, ageSeconds: 61);
        var plan = Plan(desired, Observed(route: Route(600, $"{OldIp}:8080"), containers: [Old(), stuck]));

        plan.Removed().Should().Equal("new");
        plan.FailRelease.Should().Contain("60s");
        plan.Phase.Should().Be(AppPhase.Running, "the previous release still serves");
    }

    [Test]
    public void Plan_FirstDeployExits_FailsTheAppAndAnswers503()
    {
        var desired = DesiredWith();
        var plan = Plan(desired, Observed(route: Route(10), containers: Container("new", Spec(desired).SpecHash, ContainerState.Exited, exitCode: 1)));

        plan.Phase.Should().Be(AppPhase.Failed);
        plan.FailRelease.Should().NotBeNull();
    }

    [Test]
    public void Plan_ServingContainerCrashes_RemovesItAnswers503AndBacksOffTenSeconds()
    {
        var desired = DesiredWith(currentRelease: ReleaseId);
        var crashed = Container("c", Spec(desired).SpecHash, ContainerState.Exited, exitCode: 137);
        var plan = Plan(desired, Observed(route: Route(600, $"{NewIp}:8080"), containers: crashed));

        plan.Removed().Should().Equal("c");
        plan.Actions.OfType<RouteTraffic>().Single().Route.Upstreams.Should().BeEmpty();
        plan.Actions.TakeWhile(a => a is not RemoveContainer).OfType<RouteTraffic>().Should().ContainSingle("the route leaves the dead address before the container's logs are caught up and it is removed");
        plan.Phase.Should().Be(AppPhase.CrashLooping);
        plan.Crash.Should().Be(new CrashUpdate(1, 137, Now, Now.AddSeconds(10), "container killed by SIGKILL (exit code 137)"));
        plan.Restarted.Should().BeTrue();
        plan.FailRelease.Should().BeNull();
        plan.RequeueAfter.Should().Be(TimeSpan.FromSeconds(10));
    }

    [Test]
    public void Plan_ServingContainerOomKilled_SaysOutOfMemoryWithTheLimit()
    {
        var desired = DesiredWith(currentRelease: ReleaseId);
        var killed = Container("c", Spec(desired).SpecHash, ContainerState.Exited, exitCode: 137) with { OomKilled = true };
        var plan = Plan(desired, Observed(route: Route(600, $"{NewIp}:8080"), containers: killed));

        plan.LastError.Should().StartWith($"killed: out of memory (limit {desired.Release!.Limits.MemoryBytes / 1024 / 1024} MB)");
        plan.Crash!.Reason.Should().StartWith("killed: out of memory");
        plan.Removed().Should().Equal("c");
    }

    [Test]
    public void Plan_FirstDeployExits_FailsWithTheLastLogLine()
    {
        var desired = DesiredWith();
        var exited = Container("new", Spec(desired).SpecHash, ContainerState.Exited, exitCode: 1) with { LastLogLine = "sh: can't create /data/x: Read-only file system" };
        var plan = Plan(desired, Observed(route: Route(10), containers: exited));

        plan.FailRelease.Should().Be("container exited with code 1; last log line: sh: can't create /data/x: Read-only file system");
    }

    [Test]
    public void Plan_CrashLoopingBeforeBackoffEnds_WaitsWithoutStarting()
    {
        var desired = DesiredWith(currentRelease: ReleaseId, crashes: new CrashState(3, 1, Now.AddSeconds(25)));
        var plan = Plan(desired, Observed(route: Route(600)));

        plan.Actions.OfType<StartContainer>().Should().BeEmpty();
        plan.Phase.Should().Be(AppPhase.CrashLooping);
        plan.RequeueAfter.Should().Be(TimeSpan.FromSeconds(25));
        plan.LastError.Should().Contain("3 times").And.Contain("exit code 1");
    }

    [Test]
    public void Plan_CrashLoopingAfterBackoff_StartsAgain()
    {
        var desired = DesiredWith(currentRelease: ReleaseId, crashes: new CrashState(3, 1, Now.AddSeconds(-1)));
        var plan = Plan(desired, Observed(route: Route(600)));

        plan.Kinds().Should().Equal(nameof(StartContainer));
        plan.Phase.Should().Be(AppPhase.CrashLooping);
    }

    [Test]
    public void Plan_RunningCleanForTenMinutes_ResetsTheCrashCount()
    {
        var desired = DesiredWith(currentRelease: ReleaseId, crashes: new CrashState(4, 1, Now.AddMinutes(-11)));
        var plan = Plan(desired, Observed(route: Route(660, $"{NewIp}:8080"), healthy: true, containers: Container("c", Spec(desired).SpecHash, ageSeconds: 601)));

        plan.Crash.Should().Be(new CrashUpdate(0, null, null, null));
        plan.Phase.Should().Be(AppPhase.Running);
    }

    [TestCase(1, 10)]
    [TestCase(2, 20)]
    [TestCase(5, 160)]
    [TestCase(6, 300)]
    [TestCase(30, 300)]
    public void CrashBackoff_DoublesFromTenSecondsToFiveMinutes(int crashes, int seconds) =>
        PlanTiming.CrashBackoff(crashes).Should().Be(TimeSpan.FromSeconds(seconds));

    [Test]
    public void Plan_SupersededCandidateOfACancelledRelease_IsRemovedOnceDrained()
    {
        var desired = DesiredWith(currentRelease: OldReleaseId);
        var abandoned = Container("abandoned", "otherhash", ip: "172.30.0.5", release: Guid.NewGuid());
        var plan = Plan(desired, Observed(route: Route(600, $"{OldIp}:8080"), containers: [Old(), abandoned]));

        plan.Removed().Should().Equal("abandoned");
        plan.Actions.OfType<StartContainer>().Should().ContainSingle();
    }

    [Test]
    public void Plan_DuplicateCandidates_KeepsTheNewestOnly()
    {
        var desired = DesiredWith(currentRelease: ReleaseId);
        var hash = Spec(desired).SpecHash;
        var plan = Plan(desired, Observed(route: Route(600, $"{NewIp}:8080"), healthy: true,
            containers: [Container("newest", hash, ageSeconds: 1), Container("older", hash, ip: "172.30.0.3", ageSeconds: 30)]));

        plan.Removed().Should().Equal("older");
    }
}
