using System.Text.Json.Nodes;
using PersonalCloud.Reconciler.Routing;

namespace PersonalCloud.Reconciler.Tests.Routing;

public sealed class CaddyConfigBuilderTests
{
    public static readonly ProxySettings LocalSettings = new(
        HttpPort: 8080, HttpsPort: 8443, InternalTls: true, DnsPort: 15353, NotFoundPort: 15380, UnavailablePort: 15381,
        TlsAskUrl: "http://127.0.0.1:8300/internal/tls/ask", DashboardHost: "dashboard.localhost",
        DashboardSocket: "/var/lib/personalcloud/run/controlplane/dashboard.sock");

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
    public void Build_BothPublicServers_EndWithOneSharedCatchAllProxyRoute()
    {
        var servers = CaddyConfigBuilder.Build(LocalSettings).Http.Servers;

        servers[CaddyConfigBuilder.HttpServerName].Routes[^1].Should().BeSameAs(servers[CaddyConfigBuilder.HttpsServerName].Routes[^1]);
        servers[CaddyConfigBuilder.HttpServerName].Routes[^1].Match.Should().BeNull("the proxy takes every host the routes before it left");
        servers[CaddyConfigBuilder.HttpServerName].TlsConnectionPolicies.Should().BeNull("the HTTP port stays plain HTTP");
        servers[CaddyConfigBuilder.HttpsServerName].TlsConnectionPolicies.Should().ContainSingle();
    }

    [Test]
    public void Build_ProxyRoute_AsksTheDnsResponderForTheRequestHost()
    {
        var apps = JsonNode.Parse(Json(LocalSettings with { DnsPort = 15999 }))!;
        var routes = apps["http"]!["servers"]![CaddyConfigBuilder.HttpsServerName]!["routes"]!.AsArray();
        var proxy = routes[^1]!["handle"]![0]!;

        proxy["dynamic_upstreams"]!["name"]!.GetValue<string>().Should().Be("{http.request.host}");
        proxy["dynamic_upstreams"]!["resolver"]!["addresses"]![0]!.GetValue<string>().Should().Be("udp/127.0.0.1:15999");
        proxy["transport"]!["resolver"]!["addresses"]![0]!.GetValue<string>().Should().Be("udp/127.0.0.1:15999");
    }

    [TestCase(8443, "https://{http.request.host}:8443{http.request.uri}")]
    [TestCase(443, "https://{http.request.host}{http.request.uri}")]
    public void Build_DashboardOverPlainHttp_IsRedirectedWith308_KeepingPathQueryAndPort(int httpsPort, string location)
    {
        var first = CaddyConfigBuilder.Build(LocalSettings with { HttpsPort = httpsPort }).Http.Servers[CaddyConfigBuilder.HttpServerName].Routes[0];

        first.Match.Should().ContainSingle().Which.Host.Should().Equal("dashboard.localhost", "dashboard.localhost.");
        var redirect = first.Handle.Should().ContainSingle().Which.Should().BeOfType<CaddyStaticResponseHandler>().Subject;
        redirect.StatusCode.Should().Be(308, "unlike 301/302, a 308 keeps the method and body");
        redirect.Headers!["Location"].Should().Equal(location);
    }

    [Test]
    public void Build_DashboardOverHttps_GoesToTheControlPlanesSocket_WithHsts()
    {
        var https = CaddyConfigBuilder.Build(LocalSettings).Http.Servers[CaddyConfigBuilder.HttpsServerName];
        var first = https.Routes[0];

        first.Match.Should().ContainSingle().Which.Host.Should().Equal("dashboard.localhost", "dashboard.localhost.");
        first.Handle.OfType<CaddyHeadersHandler>().Should().ContainSingle().Which.Response.Set["Strict-Transport-Security"].Should().Equal("max-age=31536000");
        var proxy = first.Handle.OfType<CaddyReverseProxyHandler>().Should().ContainSingle().Subject;
        proxy.Upstreams.Should().Equal(new CaddyUpstream("unix//var/lib/personalcloud/run/controlplane/dashboard.sock"));
        proxy.DynamicUpstreams.Should().BeNull("never through DNS routing, which would reach the API's TCP port");
        https.AutomaticHttps!.SkipCertificates.Should().Equal("dashboard.localhost", "dashboard.localhost.");
    }

    [TestCase("10.1.2.3", false)]
    [TestCase("[::1]", false)]
    [TestCase("123", false)]
    [TestCase("a..b", false)]
    [TestCase("-app.localhost", false)]
    [TestCase("blog.localhost", true)]
    [TestCase("Blog.Example.ORG.", true)]
    [TestCase("1-2-3.example.org", true)]
    [TestCase("_acme.example.org", true)]
    [TestCase("xn--bcher-kva.example", true)]
    public void LookupableHost_TakesNamesAResolverLooksUp_AndNoIpLiteral(string host, bool lookupable)
    {
        System.Text.RegularExpressions.Regex.IsMatch(host, CaddyConfigBuilder.LookupableHost.Replace("(?i)", "", StringComparison.Ordinal),
            System.Text.RegularExpressions.RegexOptions.IgnoreCase).Should().Be(lookupable);
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
