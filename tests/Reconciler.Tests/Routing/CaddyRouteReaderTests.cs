using System.Text.Json.Nodes;
using PersonalCloud.Reconciler.Routing;

namespace PersonalCloud.Reconciler.Tests.Routing;

public sealed class CaddyRouteReaderTests
{
    private static readonly RoutingSettings Settings = new(HttpPort: 8080, HttpsPort: 8443, InternalTls: true);

    private static readonly AppRoute[] Routes =
    [
        new(Guid.Parse("6f1c0000-0000-4000-8000-00000000000a"), "api", ["api.localhost", "api.example.org"], ["10.0.0.2:80", "10.0.0.3:80"]),
        new(Guid.Parse("6f1c0000-0000-4000-8000-00000000000b"), "blog", ["blog.localhost"], ["10.0.0.4:8080"]),
        new(Guid.Parse("6f1c0000-0000-4000-8000-00000000000c"), "idle", ["idle.localhost"], []),
    ];

    [Test]
    public void Read_BuiltAndSerializedConfig_GivesBackTheRoutes()
    {
        var json = JsonNode.Parse(CaddyConfigBuilder.Serialize(CaddyConfigBuilder.Build(Settings, Routes.Reverse())));

        var read = CaddyRouteReader.Read(json);

        read.Should().BeEquivalentTo(Normalized(Routes), options => options.ComparingByMembers<AppRoute>().WithStrictOrdering());
    }

    [Test]
    public void Read_ConfigWithKeysSortedAsCaddyReturnsThem_GivesBackTheRoutes()
    {
        var json = FakeCaddyAdmin.AsCaddyReturnsIt(JsonNode.Parse(CaddyConfigBuilder.Serialize(CaddyConfigBuilder.Build(Settings, Routes))));

        CaddyRouteReader.Read(json).Should().BeEquivalentTo(
            Normalized(Routes), options => options.ComparingByMembers<AppRoute>().WithStrictOrdering());
    }

    [Test]
    public void Read_NullConfig_GivesNoRoutes()
    {
        CaddyRouteReader.Read(null).Should().BeEmpty();
    }

    [Test]
    public void Read_ConfigWithoutOurServer_GivesNoRoutes()
    {
        CaddyRouteReader.Read(JsonNode.Parse("""{"http":{"servers":{"other":{"routes":[]}}}}""")).Should().BeEmpty();
    }

    [Test]
    public void Read_RoutesThatAreNotAppRoutes_AreIgnored()
    {
        var json = JsonNode.Parse("""
            {"http":{"servers":{"pcloud_https":{"routes":[
              {"@id":"someone-else","match":[{"host":["x.localhost"]}],"handle":[{"handler":"reverse_proxy","upstreams":[{"dial":"1.2.3.4:80"}]}]},
              {"@id":"pcloud-app-not-a-guid","handle":[]},
              {"match":[{"host":["y.localhost"]}],"handle":[]},
              {"@id":"pcloud-catch-all","handle":[{"handler":"static_response","status_code":404}]}
            ]}}}}
            """);

        CaddyRouteReader.Read(json).Should().BeEmpty();
    }

    [Test]
    public void Read_AppRouteWithoutVarsHandler_GivesEmptyAppName()
    {
        var json = JsonNode.Parse("""
            {"http":{"servers":{"pcloud_https":{"routes":[
              {"@id":"pcloud-app-6f1c000000004000800000000000000a","match":[{"host":["x.localhost"]}],
               "handle":[{"handler":"reverse_proxy","upstreams":[{"dial":"1.2.3.4:80"}]}]}
            ]}}}}
            """);

        CaddyRouteReader.Read(json).Should().BeEquivalentTo(
            [new AppRoute(Routes[0].AppId, "", ["x.localhost"], ["1.2.3.4:80"])],
            options => options.ComparingByMembers<AppRoute>());
    }

    private static IEnumerable<AppRoute> Normalized(IEnumerable<AppRoute> routes) =>
        routes.Select(route => route with
        {
            Hostnames = route.Hostnames.Order(StringComparer.Ordinal).ToList(),
            Upstreams = route.Upstreams.Order(StringComparer.Ordinal).ToList(),
        });
}
