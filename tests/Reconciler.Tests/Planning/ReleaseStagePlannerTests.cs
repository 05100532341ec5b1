using PersonalCloud.Contracts.Apps;
using PersonalCloud.Reconciler.Containers;
using PersonalCloud.Reconciler.Planning;
using static PersonalCloud.Reconciler.Tests.Planning.PlannerScenario;

namespace PersonalCloud.Reconciler.Tests.Planning;

/// <summary>Which stage of the desired release each pass of a rollout reaches, and where a failed one failed.</summary>
public sealed class ReleaseStagePlannerTests
{
    /// <summary>Every stage a plan's passage records, in the order the reconciler records them.</summary>
    private static List<string> StagesOf(ReconcilePlan plan)
    {
        var stages = new List<string?>();
        foreach (var action in plan.Actions)
        {
            stages.Add(ReleaseStagePlanner.Before(action, ReleaseId, plan));
            stages.Add(ReleaseStagePlanner.After(action, ReleaseId));
        }

        stages.Add(ReleaseStagePlanner.AfterPass(plan, ReleaseId));
        return stages.OfType<string>().ToList();
    }

    [Test]
    public void FirstDeploy_WithNoContainerYet_IsStartingThenHealthChecking()
    {
        var desired = DesiredWith();
        var plan = Plan(desired, Observed(route: null));

        plan.Kinds().Should().Equal(nameof(RouteTraffic), nameof(StartContainer));
        StagesOf(plan).Should().Equal(ReleaseStages.Starting, ReleaseStages.HealthChecking);
    }

    [Test]
    public void FirstDeploy_Healthy_SwitchesAndIsLiveAtOnce_WithNothingToDrain()
    {
        var desired = DesiredWith();
        var plan = Plan(desired, Observed(route: Route(10), healthy: true, containers: Container("new", Spec(desired).SpecHash)));

        StagesOf(plan).Should().Equal(ReleaseStages.Switching, ReleaseStages.Live);
    }

    [Test]
    public void NewRelease_Healthy_SwitchesThenDrainsTheOld()
    {
        var desired = DesiredWith(currentRelease: OldReleaseId);
        var plan = Plan(desired, Observed(route: Route(600, $"{OldIp}:8080"), healthy: true, containers: [Old(), Container("new", Spec(desired).SpecHash)]));

        StagesOf(plan).Should().Equal(ReleaseStages.Switching, ReleaseStages.Draining);
    }

    [Test]
    public void NewRelease_WhileTheOldStillDrains_IsDraining()
    {
        var desired = DesiredWith(currentRelease: ReleaseId);
        var plan = Plan(desired, Observed(route: Route(1, $"{NewIp}:8080"), healthy: true, containers: [Old(), Container("new", Spec(desired).SpecHash)]));

        StagesOf(plan).Should().Equal(ReleaseStages.Draining);
    }

    [Test]
    public void NewRelease_OnceTheOldIsRemoved_IsLive()
    {
        var desired = DesiredWith(currentRelease: ReleaseId);
        var plan = Plan(desired, Observed(route: Route(60, $"{NewIp}:8080"), healthy: true, containers: [Old(), Container("new", Spec(desired).SpecHash)]));

        plan.Removed().Should().Equal("old");
        StagesOf(plan).Should().Equal(ReleaseStages.Live);
    }

    [Test]
    public void NewRelease_NotYetHealthy_ReachesNothingNew()
    {
        var desired = DesiredWith(currentRelease: OldReleaseId);
        var plan = Plan(desired, Observed(route: Route(600, $"{OldIp}:8080"), containers: [Old(), Container("new", Spec(desired).SpecHash)]));

        StagesOf(plan).Should().BeEmpty("the old release serves; the new one is still health-checking");
    }

    [Test]
    public void RouteThatAnswers503WhileStarting_IsNotTheSwitch()
    {
        var action = new RouteTraffic(new PersonalCloud.Reconciler.Routing.AppRoute(AppId, "hello", ["hello.localhost"], []), "answer 503");
        var plan = new ReconcilePlan([action], AppPhase.Deploying, null, PlanTiming.HealthPoll);

        ReleaseStagePlanner.Before(action, ReleaseId, plan).Should().BeNull();
    }

    [Test]
    public void AnotherReleasesContainer_StartsNoStageOfThisOne()
    {
        var desired = DesiredWith();
        var start = new StartContainer(Spec(desired) with { ReleaseId = OldReleaseId }, "restart");
        var plan = new ReconcilePlan([start], AppPhase.CrashLooping, OldReleaseId, PlanTiming.HealthPoll);

        ReleaseStagePlanner.Before(start, ReleaseId, plan).Should().BeNull();
        ReleaseStagePlanner.After(start, ReleaseId).Should().BeNull();
    }

    [Test]
    public void ImageThatCannotBeHad_FailsAtStarting()
    {
        var plan = Plan(DesiredWith(), Observed(), imageError: "image 'x' could not be pulled");

        plan.FailedStage.Should().Be(ReleaseStages.Starting);
    }

    [Test]
    public void ContainerTheEngineCannotStart_FailsAtStarting()
    {
        var desired = DesiredWith(currentRelease: OldReleaseId);
        var refused = Container("new", Spec(desired).SpecHash, ContainerState.Created) with { StartError = "no such user" };
        var plan = Plan(desired, Observed(route: Route(600, $"{OldIp}:8080"), containers: [Old(), refused]));

        plan.FailedStage.Should().Be(ReleaseStages.Starting);
    }

    [Test]
    public void ContainerThatExitsBeforeItIsHealthy_FailsAtHealthChecking()
    {
        var desired = DesiredWith(currentRelease: OldReleaseId);
        var exited = Container("new", Spec(desired).SpecHash, ContainerState.Exited, exitCode: 1);
        var plan = Plan(desired, Observed(route: Route(600, $"{OldIp}:8080"), containers: [Old(), exited]));

        plan.FailedStage.Should().Be(ReleaseStages.HealthChecking);
    }

    [Test]
    public void ContainerNeverHealthyByTheDeadline_FailsAtHealthChecking()
    {
        var desired = DesiredWith(currentRelease: OldReleaseId);
        var slow = Container("new", Spec(desired).SpecHash, ageSeconds: 61);
        var plan = Plan(desired, Observed(route: Route(600, $"{OldIp}:8080"), containers: [Old(), slow]));

        plan.FailRelease.Should().Contain("health check");
        plan.FailedStage.Should().Be(ReleaseStages.HealthChecking);
    }
}
