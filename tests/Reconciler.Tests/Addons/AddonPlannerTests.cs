using PersonalCloud.Reconciler.Addons;
using PersonalCloud.Reconciler.Containers;

namespace PersonalCloud.Reconciler.Tests.Addons;

public sealed class AddonPlannerTests
{
    private static readonly DesiredAddon Addon = new(Guid.NewGuid(), Guid.NewGuid(), "shop", "postgres", "15", "app", "app", "secret");
    private const string Hash = "hash-now";

    private static IReadOnlyList<AddonAction> Plan(IReadOnlyList<DesiredAddon> desired, params ObservedAddon[] observed) =>
        AddonPlanner.Plan(desired, observed, _ => Hash);

    private static ObservedAddon Server(ContainerState state, string hash = Hash, Guid? addonId = null, int? exitCode = null) =>
        new("c-" + Guid.NewGuid().ToString("N")[..6], addonId ?? Addon.AddonId, Addon.AppId, hash, state, exitCode);

    [Test]
    public void Plan_ADesiredAddonWithoutServer_StartsIt()
    {
        Plan([Addon]).Should().ContainSingle().Which.Should().BeOfType<StartAddon>().Which.Addon.Should().Be(Addon);
    }

    [Test]
    public void Plan_ARunningServerWithTheSameSpec_IsOnlyProbed()
    {
        var server = Server(ContainerState.Running);

        Plan([Addon], server).Should().ContainSingle().Which.Should().Be(new ProbeAddon(Addon, server, "is it accepting connections?"));
    }

    [Test]
    public void Plan_AServerWhoseSpecChanged_IsRemovedBeforeItsReplacementStarts()
    {
        var old = Server(ContainerState.Running, hash: "hash-before");

        var actions = Plan([Addon], old);

        actions.Select(a => a.GetType()).Should().Equal(typeof(RemoveAddonContainer), typeof(StartAddon));
        ((RemoveAddonContainer)actions[0]).Container.Should().Be(old);
    }

    [Test]
    public void Plan_AStoppedServer_IsRemovedAndStartedAgain_SayingItsExitCode()
    {
        var stopped = Server(ContainerState.Exited, exitCode: 137);

        var actions = Plan([Addon], stopped);

        actions.Select(a => a.GetType()).Should().Equal(typeof(RemoveAddonContainer), typeof(StartAddon));
        actions[0].Reason.Should().Contain("137");
    }

    [Test]
    public void Plan_AServerOfAnAddonNoLongerDesired_IsRemoved_AndNothingStarts()
    {
        var orphan = Server(ContainerState.Running, addonId: Guid.NewGuid());

        Plan([], orphan).Should().ContainSingle().Which.Should().BeOfType<RemoveAddonContainer>().Which.Container.Should().Be(orphan);
    }

    [Test]
    public void Plan_TwoServersForOneAddon_KeepsTheRunningOneOfTheCurrentSpec()
    {
        var current = Server(ContainerState.Running);
        var extra = Server(ContainerState.Running, hash: "hash-before");

        var actions = Plan([Addon], extra, current);

        actions.OfType<RemoveAddonContainer>().Should().ContainSingle().Which.Container.Should().Be(extra);
        actions.OfType<ProbeAddon>().Should().ContainSingle().Which.Container.Should().Be(current);
        actions.OfType<StartAddon>().Should().BeEmpty();
    }
}
