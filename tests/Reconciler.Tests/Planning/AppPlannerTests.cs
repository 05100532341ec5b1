using PersonalCloud.Contracts.Apps;
using PersonalCloud.Reconciler.Containers;
using PersonalCloud.Reconciler.Planning;
using static PersonalCloud.Reconciler.Tests.Planning.PlannerScenario;

namespace PersonalCloud.Reconciler.Tests.Planning;

/// <summary>First deploys, deletion, idle apps and route-only changes.</summary>
public sealed class AppPlannerTests
{
    [Test]
    public void Plan_NewDeployOnEmptyEngine_CreatesNetworkAnswers503AndStartsTheContainerLast()
    {
        var plan = Plan(DesiredWith(), Observed(network: false));

        plan.Kinds().Should().Equal(nameof(EnsureNetwork), nameof(RouteTraffic), nameof(StartContainer));
        plan.Actions.OfType<RouteTraffic>().Single().Route.Upstreams.Should().BeEmpty();
        plan.Phase.Should().Be(AppPhase.Deploying);
        plan.RequeueAfter.Should().Be(PlanTiming.HealthPoll);
    }

    [Test]
    public void Plan_Converged_DoesNothing()
    {
        var desired = DesiredWith(currentRelease: ReleaseId);
        var plan = Plan(desired, Observed(route: Route(600, $"{NewIp}:8080"), healthy: true, containers: Container("new", Spec(desired).SpecHash)));

        plan.Actions.Should().BeEmpty();
        plan.Phase.Should().Be(AppPhase.Running);
        plan.RequeueAfter.Should().BeNull();
    }

    [Test]
    public void Plan_NewDomain_UpdatesTheRouteWithoutReplacingTheContainer()
    {
        var desired = DesiredWith(currentRelease: ReleaseId, domains: ["www.example.com"]);
        var plan = Plan(desired, Observed(route: Route(600, $"{NewIp}:8080"), healthy: true, containers: Container("c", Spec(desired).SpecHash)));

        plan.Kinds().Should().Equal(nameof(RouteTraffic));
        plan.Actions.OfType<RouteTraffic>().Single().Route.Hostnames.Should().Equal("hello.localhost", "www.example.com");
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
    public void Plan_FailedReleaseWithOldServing_KeepsTheOldServing()
    {
        var plan = Plan(DesiredWith(ReleaseStatus.Failed, currentRelease: OldReleaseId), Observed(route: Route(600, $"{OldIp}:8080"), containers: Old()));

        plan.Actions.Should().BeEmpty();
        plan.Phase.Should().Be(AppPhase.Running);
        plan.ServingReleaseId.Should().Be(OldReleaseId);
    }

    [Test]
    public void Plan_NeverDeployed_CreatesItsNetworkAndAnswers503AtItsHostname()
    {
        var plan = Plan(NeverDeployed(), Observed(network: false));

        plan.Kinds().Should().Equal(nameof(EnsureNetwork), nameof(RouteTraffic));
        plan.Actions.OfType<EnsureNetwork>().Single().NetworkName.Should().Be(ContainerSpecs.NetworkName(AppId));
        plan.Actions.OfType<RouteTraffic>().Single().Route.Upstreams.Should().BeEmpty();
        plan.Phase.Should().Be(AppPhase.Created);
    }

    [Test]
    public void Plan_AppDeleted_RemovesRouteContainersAndNetwork()
    {
        var plan = Plan(null, Observed(route: Route(600, $"{NewIp}:8080"), containers: [Container("a", "h1"), Container("b", "h2", ContainerState.Exited)]));

        plan.Kinds().Should().Equal(nameof(RemoveRoute), nameof(RemoveContainer), nameof(RemoveContainer), nameof(RemoveNetwork));
        plan.Actions.OfType<RemoveNetwork>().Single().NetworkName.Should().Be(ContainerSpecs.NetworkName(AppId));
        plan.Phase.Should().Be(AppPhase.Deleted);
    }

    [Test]
    public void Plan_AppDeletedAndNothingLeft_IsANoOp() =>
        Plan(null, Observed(network: false)).Actions.Should().BeEmpty();

    [Test]
    public void Plan_AnyRelease_CancelsOlderPendingReleases() =>
        Plan(DesiredWith(), Observed()).CancelReleasesBefore.Should().Be(ReleaseId);
}
