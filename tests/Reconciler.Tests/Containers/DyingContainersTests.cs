using Microsoft.Extensions.Time.Testing;
using PersonalCloud.Reconciler.Containers;

namespace PersonalCloud.Reconciler.Tests.Containers;

public sealed class DyingContainersTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 7, 12, 0, 0, TimeSpan.Zero));

    [Test]
    public void AContainerThatDied_ButIsStillListedRunning_IsWaitedFor()
    {
        var dying = new DyingContainers(_time);
        dying.Died("c1");

        dying.AnyStillListedRunning([Listed("c1", ContainerState.Running), Listed("c2", ContainerState.Running)]).Should().BeTrue();
    }

    [Test]
    public void OnceTheEngineListsItStopped_ItIsForgotten()
    {
        var dying = new DyingContainers(_time);
        dying.Died("c1");

        dying.AnyStillListedRunning([Listed("c1", ContainerState.Exited)]).Should().BeFalse();
        dying.AnyStillListedRunning([Listed("c1", ContainerState.Running)]).Should().BeFalse("a container started again under the same id is not dying");
    }

    [Test]
    public void AfterTheExpiry_ARunningListingIsBelieved()
    {
        var dying = new DyingContainers(_time);
        dying.Died("c1");
        _time.Advance(DyingContainers.Expiry + TimeSpan.FromSeconds(1));

        dying.AnyStillListedRunning([Listed("c1", ContainerState.Running)]).Should().BeFalse();
    }

    [Test]
    public void ContainersThatNeverDied_AreNotWaitedFor() =>
        new DyingContainers(_time).AnyStillListedRunning([Listed("c1", ContainerState.Running)]).Should().BeFalse();

    private ObservedContainer Listed(string id, ContainerState state) =>
        new(id, "pcloud-app-" + id, Guid.Empty, Guid.Empty, "hash", state, null, "172.30.0.2", _time.GetUtcNow());
}
