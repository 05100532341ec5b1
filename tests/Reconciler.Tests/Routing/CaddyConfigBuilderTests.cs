using PersonalCloud.Reconciler.Routing;

namespace PersonalCloud.Reconciler.Tests.Routing;

public sealed class CaddyConfigBuilderTests
{
    private static readonly RoutingSettings LocalSettings = new(HttpPort: 8080, HttpsPort: 8443, InternalTls: true);
    private static readonly RoutingSettings PublicSettings = new(HttpPort: 80, HttpsPort: 443, InternalTls: false);

    private static readonly AppRoute Blog = new(
        Guid.Parse("0b7a6f3e-1111-4c1e-9d2a-000000000001"), "blog", ["blog.localhost"], ["172.18.0.5:8080"]);

    private static readonly AppRoute Shop = new(
        Guid.Parse("0b7a6f3e-2222-4c1e-9d2a-000000000002"), "shop", ["shop.localhost"], ["172.18.0.7:3000", "172.18.0.6:3000"]);

    [Test]
    public void Build_NoApps_GivesOnlyCatchAll()
    {
        Json(LocalSettings).Should().Be(Asset("empty"));
    }

    [Test]
    public void Build_OneApp_ProxiesItsHostnameToItsUpstream()
    {
        Json(LocalSettings, Blog).Should().Be(Asset("one-app"));
    }

    [Test]
    public void Build_TwoAppsInAnyOrder_GivesIdenticalJson()
    {
        var shopWithUpstreamsReversed = Shop with { Upstreams = Shop.Upstreams.Reverse().ToList() };

        var forward = Json(LocalSettings, Blog, Shop);
        var backward = Json(LocalSettings, shopWithUpstreamsReversed, Blog);

        forward.Should().Be(Asset("two-apps"));
        backward.Should().Be(forward);
    }

    [Test]
    public void Build_AppWithCustomDomainAndGeneratedHostname_MatchesBoth()
    {
        var blog = Blog with { Hostnames = ["www.example.org", "blog.localhost", "Example.ORG"] };

        Json(LocalSettings, blog).Should().Be(Asset("custom-domain"));
    }

    [Test]
    public void Build_AppWithoutUpstreams_Answers503InsteadOfProxying()
    {
        Json(LocalSettings, Blog with { Upstreams = [] }).Should().Be(Asset("no-upstreams"));
    }

    [Test]
    public void Build_PublicDomains_LeavesCertificatesToCaddysDefaultIssuers()
    {
        var blog = Blog with { Hostnames = ["blog.example.org"] };

        Json(PublicSettings, blog).Should().Be(Asset("public-domains"));
    }

    [Test]
    public void Build_AppWithoutHostnames_GetsNoRoute()
    {
        var apps = CaddyConfigBuilder.Build(LocalSettings, [Blog with { Hostnames = [] }, Shop]);

        apps.Http.Servers[CaddyConfigBuilder.HttpsServerName].Routes.Select(route => route.Id).Should().Equal(
            CaddyConfigBuilder.AppRouteId(Shop.AppId), CaddyConfigBuilder.CatchAllRouteId);
        apps.Tls!.Automation.Policies.Single().Subjects.Should().Equal("shop.localhost");
    }

    [Test]
    public void Build_SameNameTwice_OrdersByAppId()
    {
        var first = Blog with { AppId = Guid.Parse("00000000-0000-0000-0000-000000000001"), Hostnames = ["a.localhost"] };
        var second = Blog with { AppId = Guid.Parse("00000000-0000-0000-0000-000000000002"), Hostnames = ["b.localhost"] };

        var apps = CaddyConfigBuilder.Build(LocalSettings, [second, first]);

        apps.Http.Servers[CaddyConfigBuilder.HttpServerName].Routes.Select(route => route.Id).Should().Equal(
            CaddyConfigBuilder.AppRouteId(first.AppId), CaddyConfigBuilder.AppRouteId(second.AppId), CaddyConfigBuilder.CatchAllRouteId);
    }

    [Test]
    public void Build_BothServers_ShareTheSameRoutes()
    {
        var servers = CaddyConfigBuilder.Build(LocalSettings, [Blog, Shop]).Http.Servers;

        servers[CaddyConfigBuilder.HttpServerName].Routes.Should().BeSameAs(servers[CaddyConfigBuilder.HttpsServerName].Routes);
        servers[CaddyConfigBuilder.HttpServerName].AutomaticHttps.Should().BeNull();
    }

    private static string Json(RoutingSettings settings, params AppRoute[] routes) =>
        CaddyConfigBuilder.Serialize(CaddyConfigBuilder.Build(settings, routes));

    private static string Asset(string name) =>
        File.ReadAllText(Path.Combine(TestContext.CurrentContext.TestDirectory, "Routing", "testassets", name + ".json"))
            .TrimEnd('\n');
}
