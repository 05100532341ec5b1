using PersonalCloud.Reconciler.Routing;

namespace PersonalCloud.Reconciler.Tests.Routing;

public sealed class RouteSnapshotTests
{
    private static readonly DateTimeOffset Updated = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly StoredRoute Older = Route("a0000000-0000-4000-8000-000000000001", "older", ["shared.example.org", "older.localhost"], created: 1);
    private static readonly StoredRoute Newer = Route("a0000000-0000-4000-8000-000000000002", "newer", ["shared.example.org", "newer.localhost"], created: 2);

    [Test]
    public void OwnerOf_HostnameInAnyCaseWithOrWithoutTrailingDot_FindsTheApp()
    {
        var snapshot = RouteSnapshot.Create([Older]);

        snapshot.OwnerOf("older.localhost")!.AppId.Should().Be(Older.AppId);
        snapshot.OwnerOf("OLDER.LocalHost.")!.AppId.Should().Be(Older.AppId);
        snapshot.OwnerOf("nobody.localhost").Should().BeNull();
    }

    [Test]
    public void OwnerOf_HostnameTwoAppsClaim_IsTheOlderAppsInAnyOrder()
    {
        RouteSnapshot.Create([Newer, Older]).OwnerOf("shared.example.org")!.AppId.Should().Be(Older.AppId);
        RouteSnapshot.Create([Older, Newer]).OwnerOf("shared.example.org")!.AppId.Should().Be(Older.AppId);
    }

    [Test]
    public void OwnerOf_HostnameTwoAppsClaim_StaysTheOlderAppsWhenTheNewerIsAppliedLater()
    {
        var snapshot = RouteSnapshot.Create([Older]).With(Newer);

        snapshot.OwnerOf("shared.example.org")!.AppId.Should().Be(Older.AppId);
        snapshot.OwnerOf("newer.localhost")!.AppId.Should().Be(Newer.AppId, "its other hostnames are still its own");
        snapshot.IgnoredClaims.Should().Equal(("shared.example.org", Newer.AppId));
    }

    [Test]
    public void OwnerOf_HostnameADeletedAppStillClaims_IsTheLiveAppsEvenIfNewer()
    {
        var deleted = Older with { AppCreatedAt = null };

        RouteSnapshot.Create([deleted, Newer]).OwnerOf("shared.example.org")!.AppId.Should().Be(Newer.AppId);
    }

    [Test]
    public void OwnerOf_SameCreationTime_IsDecidedByAppId()
    {
        var twin = Newer with { AppCreatedAt = Older.AppCreatedAt };

        RouteSnapshot.Create([twin, Older]).OwnerOf("shared.example.org")!.AppId.Should().Be(Older.AppId);
    }

    [Test]
    public void Without_TheOwner_HandsTheHostnameToTheNextClaimant()
    {
        var snapshot = RouteSnapshot.Create([Older, Newer]).Without([Older.AppId]);

        snapshot.OwnerOf("shared.example.org")!.AppId.Should().Be(Newer.AppId);
        snapshot.OwnerOf("older.localhost").Should().BeNull();
        snapshot.Get(Older.AppId).Should().BeNull();
    }

    [Test]
    public void With_AnExistingApp_ReplacesItsRouteAndLeavesTheOriginalUntouched()
    {
        var original = RouteSnapshot.Create([Older, Newer]);
        var moved = Older with { Hostnames = ["moved.localhost"] };

        var changed = original.With(moved);

        changed.Count.Should().Be(2);
        changed.OwnerOf("older.localhost").Should().BeNull();
        changed.OwnerOf("moved.localhost")!.AppId.Should().Be(Older.AppId);
        changed.OwnerOf("shared.example.org")!.AppId.Should().Be(Newer.AppId);
        original.OwnerOf("older.localhost")!.AppId.Should().Be(Older.AppId, "a snapshot is immutable");
    }

    private static StoredRoute Route(string id, string name, string[] hostnames, int created) =>
        new(Guid.Parse(id), name, hostnames, ["10.0.0.2:80"], Updated, new DateTimeOffset(2026, 1, created, 0, 0, 0, TimeSpan.Zero));
}
