using PersonalCloud.Contracts.Volumes;
using PersonalCloud.Reconciler.Volumes;

namespace PersonalCloud.Reconciler.Tests.Volumes;

public sealed class VolumePlannerTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 8, 0, 0, 0, TimeSpan.Zero);
    private static readonly Guid App = Guid.Parse("01000000-0000-0000-0000-000000000001");
    private static readonly Guid Vol = Guid.Parse("02000000-0000-0000-0000-000000000002");
    private const long Warn = 1L << 30;

    private static DesiredVolume Desired => new(Vol, App, "shop", "data");

    private static ObservedVolume Seen(long? usage = 10, long? refs = 1) => new(VolumeNames.DockerName(Vol), Vol, App, "shop", "data", usage, refs);

    private static VolumeStatus Status(string state = VolumeStates.Ready, string? warning = null) =>
        new(Vol, App, "shop", "data", VolumeNames.DockerName(Vol), state, null, 10, Now, warning, null);

    [Test]
    public void DesiredVolumeMissingInTheEngine_IsCreated()
    {
        var plan = VolumePlanner.Plan([Desired], [], [], Warn, Now);
        plan.Create.Should().ContainSingle().Which.Id.Should().Be(Vol);
        plan.AskGate.Should().BeEmpty();
    }

    [Test]
    public void DesiredVolumePresent_IsNotCreatedAgain_AndItsUsageIsRecorded()
    {
        var plan = VolumePlanner.Plan([Desired], [Seen(usage: 4096)], [], Warn, Now);
        plan.Create.Should().BeEmpty();
        plan.Statuses.Should().ContainSingle().Which.Should().Match<VolumeStatus>(s => s.UsageBytes == 4096 && s.MeasuredAt == Now && s.State == VolumeStates.Ready && s.Warning == null);
    }

    [Test]
    public void UsageOverTheThreshold_WarnsOncePerCrossing()
    {
        var first = VolumePlanner.Plan([Desired], [Seen(usage: Warn + 1)], [Status()], Warn, Now);
        first.Statuses.Single().Warning.Should().Contain("over the warning threshold of 1 GiB");
        first.WarningsCrossed.Should().ContainSingle();

        var again = VolumePlanner.Plan([Desired], [Seen(usage: Warn + 2)], [first.Statuses.Single()], Warn, Now);
        again.WarningsCrossed.Should().BeEmpty("the warning was already raised");

        var under = VolumePlanner.Plan([Desired], [Seen(usage: 5)], [again.Statuses.Single()], Warn, Now);
        under.Statuses.Single().Warning.Should().BeNull();
        VolumePlanner.Plan([Desired], [Seen(usage: Warn + 3)], [under.Statuses.Single()], Warn, Now).WarningsCrossed.Should().ContainSingle("a new crossing");
    }

    [Test]
    public void OrphanStillMounted_IsKeptWithoutAskingTheGate()
    {
        var plan = VolumePlanner.Plan([], [Seen(refs: 2)], [Status()], Warn, Now);
        plan.AskGate.Should().BeEmpty();
        plan.Statuses.Single().Should().Match<VolumeStatus>(s => s.State == VolumeStates.Orphaned && s.Reason!.Contains("still mounted by 2 container(s)"));
    }

    [Test]
    public void OrphanWhoseMountsAreUnknown_IsKept()
    {
        var plan = VolumePlanner.Plan([], [Seen(refs: null)], [Status()], Warn, Now);
        plan.AskGate.Should().BeEmpty();
        plan.Statuses.Single().State.Should().Be(VolumeStates.Orphaned);
    }

    [Test]
    public void OrphanNoLongerMounted_GoesToTheGate_AndIsNeverRemovedByThePlanItself()
    {
        var plan = VolumePlanner.Plan([], [Seen(refs: 0)], [Status()], Warn, Now);
        plan.AskGate.Should().ContainSingle().Which.Should().Be(new OrphanVolume(Vol, App, "shop", "data", VolumeNames.DockerName(Vol)));
        plan.Create.Should().BeEmpty();
    }

    [Test]
    public void UnlabelledVolume_IsNeitherWantedNorOrphaned()
    {
        var plan = VolumePlanner.Plan([], [new ObservedVolume("pcloud-vol-x", null, null, null, null, 1, 0)], [], Warn, Now);
        plan.AskGate.Should().BeEmpty();
        plan.Statuses.Should().BeEmpty();
    }

    [Test]
    public void StatusWhoseVolumeIsGoneAndNotWanted_BecomesRemoved()
    {
        var plan = VolumePlanner.Plan([], [], [Status(VolumeStates.Orphaned)], Warn, Now);
        plan.Statuses.Single().State.Should().Be(VolumeStates.Removed);
    }
}
