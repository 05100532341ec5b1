using System.Text.Json.Nodes;
using PersonalCloud.Reconciler.Routing;

namespace PersonalCloud.Reconciler.Tests.Routing;

public sealed class CaddyConfigBuilderTests
{
    public static readonly ProxySettings LocalSettings = new(
        HttpPort: 8080, HttpsPort: 8443, InternalTls: true, DnsPort: 15353, NotFoundPort: 15380, UnavailablePort: 15381,
        TlsAskUrl: "http://127.0.0.1:8300/internal/tls/ask");

    private static readonly ProxySettings PublicSettings = LocalSettings with { HttpPort = 80, HttpsPort = 443, InternalTls = false };

    [Test]
    public void Build_LocalDomains_GivesStaticProxyWithOnDemandInternalTls()
    {
        Json(LocalSettings).Should().Be(Asset("internal-tls"));
    }

    [Test]
    public void Build_PublicDomains_LeavesCertificatesToCaddysDefaultIssuers()
    {
        Json(PublicSettings).Should().Be(Asset("public-tls"));
    }

    [Test]
    public void Build_SameSettingsTwice_GivesIdenticalJson()
    {
        Json(LocalSettings with { }).Should().Be(Json(LocalSettings));
    }

    [Test]
    public void Build_BothPublicServers_ShareOneCatchAllProxyRoute()
    {
        var servers = CaddyConfigBuilder.Build(LocalSettings).Http.Servers;

        servers[CaddyConfigBuilder.HttpServerName].Routes.Should().BeSameAs(servers[CaddyConfigBuilder.HttpsServerName].Routes);
        servers[CaddyConfigBuilder.HttpServerName].TlsConnectionPolicies.Should().BeNull("the HTTP port stays plain HTTP");
        servers[CaddyConfigBuilder.HttpsServerName].TlsConnectionPolicies.Should().ContainSingle();
    }

    [Test]
    public void Build_ProxyRoute_AsksTheDnsResponderForTheRequestHost()
    {
        var apps = JsonNode.Parse(Json(LocalSettings with { DnsPort = 15999 }))!;
        var proxy = apps["http"]!["servers"]![CaddyConfigBuilder.HttpsServerName]!["routes"]![0]!["handle"]![0]!;

        proxy["dynamic_upstreams"]!["name"]!.GetValue<string>().Should().Be("{http.request.host}");
        proxy["dynamic_upstreams"]!["resolver"]!["addresses"]![0]!.GetValue<string>().Should().Be("udp/127.0.0.1:15999");
        proxy["transport"]!["resolver"]!["addresses"]![0]!.GetValue<string>().Should().Be("udp/127.0.0.1:15999");
    }

    [Test]
    public void Build_FallbackServers_ListenOnLoopbackOnly()
    {
        var servers = CaddyConfigBuilder.Build(LocalSettings with { NotFoundPort = 20000, UnavailablePort = 20001 }).Http.Servers;

        servers[CaddyConfigBuilder.NotFoundServerName].Listen.Should().Equal("127.0.0.1:20000");
        servers[CaddyConfigBuilder.UnavailableServerName].Listen.Should().Equal("127.0.0.1:20001");
    }

    private static string Json(ProxySettings settings) => CaddyConfigBuilder.Serialize(CaddyConfigBuilder.Build(settings));

    private static string Asset(string name) =>
        File.ReadAllText(Path.Combine(TestContext.CurrentContext.TestDirectory, "Routing", "testassets", name + ".json"))
            .TrimEnd('\n');
}
