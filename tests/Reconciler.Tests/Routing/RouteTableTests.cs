using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using PersonalCloud.Reconciler.Routing;

namespace PersonalCloud.Reconciler.Tests.Routing;

public sealed class RouteTableTests
{
    private static readonly RoutingSettings Settings = new(HttpPort: 8080, HttpsPort: 8443, InternalTls: true);

    private static readonly AppRoute Blog = new(Guid.Parse("a0000000-0000-4000-8000-000000000001"), "blog", ["blog.localhost"], ["10.0.0.2:80"]);
    private static readonly AppRoute Shop = new(Guid.Parse("a0000000-0000-4000-8000-000000000002"), "shop", ["shop.localhost"], ["10.0.0.3:80"]);

    private FakeCaddyAdmin _caddy = null!;
    private RouteTable _table = null!;

    [SetUp]
    public void SetUp()
    {
        _caddy = new FakeCaddyAdmin();
        _table = new RouteTable(_caddy, Settings, NullLogger<RouteTable>.Instance);
    }

    [TearDown]
    public void TearDown() => _table.Dispose();

    [Test]
    public async Task Apply_SameRouteTwice_ReloadsCaddyOnlyOnce()
    {
        (await _table.ApplyAsync(Blog.AppId, Blog, CancellationToken.None)).Should().BeTrue();
        (await _table.ApplyAsync(Blog.AppId, Blog, CancellationToken.None)).Should().BeFalse();

        _caddy.Loads.Should().Be(1);
    }

    [Test]
    public async Task Apply_SameRouteWithHostnamesInOtherOrder_DoesNotReload()
    {
        var twoHosts = Blog with { Hostnames = ["blog.localhost", "blog.example.org"] };
        await _table.ApplyAsync(Blog.AppId, twoHosts, CancellationToken.None);

        var changed = await _table.ApplyAsync(Blog.AppId, twoHosts with { Hostnames = twoHosts.Hostnames.Reverse().ToList() }, CancellationToken.None);

        changed.Should().BeFalse();
    }

    [Test]
    public async Task Apply_OneApp_KeepsTheOtherAppsRoutes()
    {
        await _table.ApplyAsync(Blog.AppId, Blog, CancellationToken.None);
        await _table.ApplyAsync(Shop.AppId, Shop, CancellationToken.None);

        var movedBlog = Blog with { Upstreams = ["10.0.0.9:80"] };
        (await _table.ApplyAsync(Blog.AppId, movedBlog, CancellationToken.None)).Should().BeTrue();

        (await _table.GetAsync(Shop.AppId, CancellationToken.None)).Should().BeEquivalentTo(Shop, o => o.ComparingByMembers<AppRoute>());
        (await _table.GetAsync(Blog.AppId, CancellationToken.None)).Should().BeEquivalentTo(movedBlog, o => o.ComparingByMembers<AppRoute>());
    }

    [Test]
    public async Task Apply_Null_RemovesOnlyThatApp()
    {
        await _table.ApplyAsync(Blog.AppId, Blog, CancellationToken.None);
        await _table.ApplyAsync(Shop.AppId, Shop, CancellationToken.None);

        (await _table.ApplyAsync(Blog.AppId, null, CancellationToken.None)).Should().BeTrue();

        (await _table.GetAsync(Blog.AppId, CancellationToken.None)).Should().BeNull();
        (await _table.GetAsync(Shop.AppId, CancellationToken.None)).Should().NotBeNull();
    }

    [Test]
    public async Task Apply_RouteOfAnotherApp_Throws()
    {
        var act = () => _table.ApplyAsync(Shop.AppId, Blog, CancellationToken.None);

        await act.Should().ThrowAsync<ArgumentException>();
    }

    [Test]
    public async Task Prune_RemovesUnknownAppsAndKeepsKnownOnes()
    {
        await _table.ApplyAsync(Blog.AppId, Blog, CancellationToken.None);
        await _table.ApplyAsync(Shop.AppId, Shop, CancellationToken.None);

        (await _table.PruneAsync(new HashSet<Guid> { Shop.AppId }, CancellationToken.None)).Should().BeTrue();
        (await _table.PruneAsync(new HashSet<Guid> { Shop.AppId }, CancellationToken.None)).Should().BeFalse();

        (await _table.GetAsync(Blog.AppId, CancellationToken.None)).Should().BeNull();
        (await _table.GetAsync(Shop.AppId, CancellationToken.None)).Should().NotBeNull();
    }

    [Test]
    public async Task Prune_OnAnEmptyCaddy_LoadsTheCatchAllOnce()
    {
        (await _table.PruneAsync(new HashSet<Guid>(), CancellationToken.None)).Should().BeTrue();
        (await _table.PruneAsync(new HashSet<Guid>(), CancellationToken.None)).Should().BeFalse();

        _caddy.Json.Should().Contain(CaddyConfigBuilder.CatchAllRouteId);
    }

    [Test]
    public async Task Apply_WhenReadingCaddyFails_ThrowsAndLoadsNothing()
    {
        await _table.ApplyAsync(Shop.AppId, Shop, CancellationToken.None);
        _caddy.FailReadsWith = new HttpRequestException("connection refused");

        var act = () => _table.ApplyAsync(Blog.AppId, Blog, CancellationToken.None);

        await act.Should().ThrowAsync<HttpRequestException>();
        _caddy.Loads.Should().Be(1);
        _caddy.Json.Should().Contain("shop.localhost");
    }

    [Test]
    public async Task Get_WhenReadingCaddyFails_Throws()
    {
        _caddy.FailReadsWith = new HttpRequestException("connection refused");

        var act = () => _table.GetAsync(Blog.AppId, CancellationToken.None);

        await act.Should().ThrowAsync<HttpRequestException>();
    }

    [Test]
    public async Task Apply_ConcurrentCallsForDifferentApps_KeepBothRoutes()
    {
        await Task.WhenAll(
            _table.ApplyAsync(Blog.AppId, Blog, CancellationToken.None),
            _table.ApplyAsync(Shop.AppId, Shop, CancellationToken.None));

        (await _table.GetAsync(Blog.AppId, CancellationToken.None)).Should().NotBeNull();
        (await _table.GetAsync(Shop.AppId, CancellationToken.None)).Should().NotBeNull();
    }

    [Test]
    public async Task Apply_WhenOneChangedTheConfigBetweenReadAndLoad_SurfacesPreconditionFailed()
    {
        var racing = new RacingCaddyAdmin(_caddy);
        using var table = new RouteTable(racing, Settings, NullLogger<RouteTable>.Instance);

        var act = () => table.ApplyAsync(Blog.AppId, Blog, CancellationToken.None);

        (await act.Should().ThrowAsync<CaddyAdminException>()).Which.StatusCode.Should().Be(HttpStatusCode.PreconditionFailed);
    }

    /// <summary>Changes the config right after each read, as another writer would.</summary>
    private sealed class RacingCaddyAdmin(FakeCaddyAdmin inner) : ICaddyAdmin
    {
        public async Task<(System.Text.Json.Nodes.JsonNode? Apps, string? ETag)> GetAppsAsync(CancellationToken cancellationToken)
        {
            var result = await inner.GetAppsAsync(cancellationToken);
            inner.ChangeBehindTheBack();
            return result;
        }

        public Task LoadAppsAsync(CaddyApps apps, string? etag, CancellationToken cancellationToken) =>
            inner.LoadAppsAsync(apps, etag, cancellationToken);
    }
}
