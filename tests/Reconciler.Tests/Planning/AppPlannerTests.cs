using PersonalCloud.Contracts.Apps;
using PersonalCloud.Reconciler.Containers;
using PersonalCloud.Reconciler.Planning;
using static PersonalCloud.Reconciler.Tests.Planning.PlannerScenario;

namespace PersonalCloud.Reconciler.Tests.Planning;

public sealed class AppPlannerTests
{
    [Test]
    public void Plan_NewDeployOnEmptyEngine_CreatesNetworkStartsContainerAndAnswers503Meanwhile()
    {
        var plan = Plan(DesiredWith(), Observed(network: false));

        plan.Kinds().Should().Equal(nameof(EnsureNetwork), nameof(StartContainer), nameof(RouteTraffic));
        plan.Actions.OfType<RouteTraffic>().Single().Route.Upstreams.Should().BeEmpty();
        plan.Phase.Should().Be(AppPhase.Deploying);
        plan.RequeueAfter.Should().Be(AppPlanner.HealthPoll);
    }

    [Test]
    public void Plan_CandidateRunningButNotYetHealthy_WaitsAndTouchesNothing()
    {
        var desired = DesiredWith();
        var plan = Plan(desired, Observed(route: Route(), containers: Container("new", Spec(desired).SpecHash)));

        plan.Actions.Should().BeEmpty();
        plan.Phase.Should().Be(AppPhase.Deploying);
        plan.RequeueAfter.Should().NotBeNull();
    }

    [Test]
    public void Plan_CandidateHealthy_SwitchesTrafficThenRemovesTheOldContainer()
    {
        var desired = DesiredWith(currentRelease: OldReleaseId);
        var old = Container("old", "oldhash", ip: "172.30.0.9", release: OldReleaseId, ageSeconds: 600);
        var plan = Plan(desired, Observed(route: Route("172.30.0.9:8080"), healthy: true, containers: [old, Container("new", Spec(desired).SpecHash)]));

        plan.Kinds().Should().Equal(nameof(RouteTraffic), nameof(RemoveContainer));
        plan.Actions.OfType<RouteTraffic>().Single().Route.Upstreams.Should().Equal("172.30.0.2:8080");
        plan.Actions.OfType<RemoveContainer>().Single().Container.Id.Should().Be("old");
        plan.Phase.Should().Be(AppPhase.Running);
        plan.ServingReleaseId.Should().Be(ReleaseId);
        plan.RequeueAfter.Should().BeNull();
    }

    [Test]
    public void Plan_Converged_DoesNothing()
    {
        var desired = DesiredWith(currentRelease: ReleaseId);
        var plan = Plan(desired, Observed(route: Route("172.30.0.2:8080"), healthy: true, containers: Container("new", Spec(desired).SpecHash)));

        plan.Actions.Should().BeEmpty();
        plan.Phase.Should().Be(AppPhase.Running);
    }

    [Test]
    public void Plan_NewDomain_UpdatesTheRouteWithoutReplacingTheContainer()
    {
        var desired = DesiredWith(currentRelease: ReleaseId, domains: ["www.example.com"]);
        var plan = Plan(desired, Observed(route: Route("172.30.0.2:8080"), healthy: true, containers: Container("c", Spec(desired).SpecHash)));

        plan.Kinds().Should().Equal(nameof(RouteTraffic));
        plan.Actions.OfType<RouteTraffic>().Single().Route.Hostnames.Should().Equal("hello.localhost", "www.example.com");
    }

    [Test]
    public void Plan_CandidateExited_RemovesItAndAsksForBackoffWhileTheOldKeepsServing()
    {
        var desired = DesiredWith(currentRelease: OldReleaseId);
        var old = Container("old", "oldhash", ip: "172.30.0.9", release: OldReleaseId);
        var crashed = Container("new", Spec(desired).SpecHash, ContainerState.Exited, exitCode: 3);
        var plan = Plan(desired, Observed(route: Route("172.30.0.9:8080"), containers: [old, crashed]));

        plan.Kinds().Should().Equal(nameof(RemoveContainer));
        plan.Actions.OfType<RemoveContainer>().Single().Container.Id.Should().Be("new");
        plan.ContainerExited.Should().BeTrue();
        plan.LastError.Should().Contain("code 3");
        plan.ServingReleaseId.Should().Be(OldReleaseId);
    }

    [Test]
    public void Plan_CandidateNeverHealthyPastDeadline_FailsTheReleaseAndKeepsTheOldServing()
    {
        var desired = DesiredWith(currentRelease: OldReleaseId);
        var old = Container("old", "oldhash", ip: "172.30.0.9", release: OldReleaseId);
        var stuck = Container("new", Spec(desired).SpecHash, ageSeconds: 61);
        var plan = Plan(desired, Observed(route: Route("172.30.0.9:8080"), containers: [old, stuck]));

        plan.Kinds().Should().Equal(nameof(RemoveContainer));
        plan.Actions.OfType<RemoveContainer>().Single().Container.Id.Should().Be("new");
        plan.FailRelease.Should().Contain("60s");
        plan.Phase.Should().Be(AppPhase.Running, "the previous release still serves");
    }

    [Test]
    public void Plan_ImageUnavailable_FailsTheReleaseWithTheReason()
    {
        var plan = Plan(DesiredWith(), Observed(), imageError: "image 'hello:1' is not in the engine and could not be pulled");

        plan.FailRelease.Should().Contain("could not be pulled");
        plan.Phase.Should().Be(AppPhase.Failed);
        plan.Actions.OfType<StartContainer>().Should().BeEmpty();
    }

    [Test]
    public void Plan_FailedReleaseWithOldServing_KeepsTheOldAndRemovesNothingThatServes()
    {
        var desired = DesiredWith(ReleaseStatus.Failed, currentRelease: OldReleaseId);
        var old = Container("old", "oldhash", ip: "172.30.0.9", release: OldReleaseId);
        var plan = Plan(desired, Observed(route: Route("172.30.0.9:8080"), containers: old));

        plan.Actions.Should().BeEmpty();
        plan.Phase.Should().Be(AppPhase.Running);
        plan.ServingReleaseId.Should().Be(OldReleaseId);
    }

    [Test]
    public void Plan_NeverDeployed_Answers503AtItsHostname()
    {
        var plan = Plan(NeverDeployed(), Observed(network: false));

        plan.Kinds().Should().Equal(nameof(RouteTraffic));
        plan.Actions.OfType<RouteTraffic>().Single().Route.Upstreams.Should().BeEmpty();
        plan.Phase.Should().Be(AppPhase.Created);
    }

    [Test]
    public void Plan_AppDeleted_RemovesRouteContainersAndNetwork()
    {
        var plan = Plan(null, Observed(route: Route("172.30.0.2:8080"), containers: [Container("a", "h1"), Container("b", "h2", ContainerState.Exited)]));

        plan.Kinds().Should().Equal(nameof(RemoveRoute), nameof(RemoveContainer), nameof(RemoveContainer), nameof(RemoveNetwork));
        plan.Actions.OfType<RemoveNetwork>().Single().NetworkName.Should().Be(ContainerSpecs.NetworkName(AppId));
        plan.Phase.Should().Be(AppPhase.Deleted);
    }

    [Test]
    public void Plan_AppDeletedAndNothingLeft_IsANoOp() =>
        Plan(null, Observed(network: false)).Actions.Should().BeEmpty();

    [Test]
    public void Plan_DuplicateCandidates_KeepsTheNewestOnly()
    {
        var desired = DesiredWith(currentRelease: ReleaseId);
        var hash = Spec(desired).SpecHash;
        var plan = Plan(desired, Observed(route: Route("172.30.0.2:8080"), healthy: true,
            containers: [Container("newest", hash, ageSeconds: 1), Container("older", hash, ip: "172.30.0.3", ageSeconds: 30)]));

        plan.Actions.OfType<RemoveContainer>().Select(a => a.Container.Id).Should().Equal("older");
    }
}
