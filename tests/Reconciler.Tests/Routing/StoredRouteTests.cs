using PersonalCloud.Reconciler.Routing;

namespace PersonalCloud.Reconciler.Tests.Routing;

public sealed class StoredRouteTests
{
    private static readonly Guid AppId = Guid.Parse("a0000000-0000-4000-8000-000000000001");
    private static readonly DateTimeOffset Created = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Earlier = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 5, 0, TimeSpan.Zero);
    private static readonly AppRoute Blog = new(AppId, "blog", ["blog.localhost"], ["10.0.0.2:80"]);

    private static readonly StoredRoute Stored = new(AppId, "blog", ["blog.localhost"], ["10.0.0.2:80"], Earlier, Created);

    [Test]
    public void Next_WithoutARow_StoresTheRouteNormalizedAndStampsNow()
    {
        var next = StoredRoute.Next(null, Blog with { Hostnames = ["Blog.LocalHost.", "www.example.org", "blog.localhost"] }, Now, Created);

        next.Should().NotBeNull();
        next!.Hostnames.Should().Equal("blog.localhost", "www.example.org");
        next.UpdatedAt.Should().Be(Now);
        next.AppCreatedAt.Should().Be(Created);
    }

    [Test]
    public void Next_SameRouteInAnotherOrderOrCase_ChangesNothing()
    {
        var twoUpstreams = Stored with { Upstreams = ["10.0.0.2:80", "10.0.0.3:80"] };

        StoredRoute.Next(twoUpstreams, Blog with { Hostnames = ["BLOG.localhost"], Upstreams = ["10.0.0.3:80", "10.0.0.2:80"] }, Now, null)
            .Should().BeNull();
    }

    [Test]
    public void Next_HostnameOnlyChange_KeepsUpdatedAt()
    {
        var next = StoredRoute.Next(Stored, Blog with { Hostnames = ["blog.localhost", "blog.example.org"] }, Now, null);

        next!.Hostnames.Should().Equal("blog.example.org", "blog.localhost");
        next.UpdatedAt.Should().Be(Earlier, "no upstream changed, so nothing needs to drain");
    }

    [Test]
    public void Next_AppNameOnlyChange_KeepsUpdatedAt()
    {
        StoredRoute.Next(Stored, Blog with { AppName = "weblog" }, Now, null)!.UpdatedAt.Should().Be(Earlier);
    }

    [Test]
    public void Next_UpstreamReplaced_MovesUpdatedAt() => AssertUpdatedAtMoves(["10.0.0.9:80"]);

    [Test]
    public void Next_UpstreamAdded_MovesUpdatedAt() => AssertUpdatedAtMoves(["10.0.0.2:80", "10.0.0.9:80"]);

    [Test]
    public void Next_UpstreamsRemoved_MovesUpdatedAt() => AssertUpdatedAtMoves([]);

    [Test]
    public void Next_NowWithTicksBelowAMicrosecond_IsTruncatedAsPostgresStoresIt()
    {
        var next = StoredRoute.Next(null, Blog, Now.AddTicks(15), null);

        next!.UpdatedAt.Should().Be(Now.AddTicks(10));
    }

    [Test]
    public void Next_RowOfAnotherApp_Throws()
    {
        var act = () => StoredRoute.Next(Stored with { AppId = Guid.NewGuid() }, Blog, Now, null);

        act.Should().Throw<ArgumentException>();
    }

    private static void AssertUpdatedAtMoves(string[] upstreams)
    {
        var next = StoredRoute.Next(Stored, Blog with { Upstreams = upstreams }, Now, null);

        next!.UpdatedAt.Should().Be(Now);
        next.AppCreatedAt.Should().Be(Created, "the claim order of an existing row never changes");
    }
}
