using PersonalCloud.Contracts.Routing;

namespace PersonalCloud.Contracts.Tests.Routing;

public sealed class RouteAnswersTests
{
    private static readonly RouteAnswerSettings Settings = RouteAnswerSettings.Create(15380, PlatformHostnames.Dashboard(null, "localhost"));

    [Test]
    public void ZoneLines_ForAnAppWithTwoUpstreams_AreItsSrvRecordsThenEachTargetsARecord()
    {
        var targets = RouteAnswers.TargetsFor("Blog.Localhost.", ["10.0.0.2:8080", "10.0.0.3:8081"], Settings);

        RouteAnswers.ZoneLines("Blog.Localhost.", targets).Should().Equal(
            "blog.localhost. 1 IN SRV 0 1 8080 10-0-0-2.ip.pcloud.internal.",
            "blog.localhost. 1 IN SRV 0 1 8081 10-0-0-3.ip.pcloud.internal.",
            "10-0-0-2.ip.pcloud.internal. 1 IN A 10.0.0.2",
            "10-0-0-3.ip.pcloud.internal. 1 IN A 10.0.0.3");
    }

    [TestCase(null, 15380, TestName = "TargetsFor_HostNoAppOwns_IsThe404Server")]
    [TestCase(new string[0], 15381, TestName = "TargetsFor_AppWithoutUpstreams_IsThe503Server")]
    [TestCase(new[] { "web:80", "[::1]:80", "10.0.0.4:0" }, 15381, TestName = "TargetsFor_AppWithoutUsableUpstream_IsThe503Server")]
    public void TargetsFor_Fallbacks(string[]? upstreams, int port)
    {
        RouteAnswers.TargetsFor("blog.localhost", upstreams, Settings).Should().Equal(new SrvTarget(System.Net.IPAddress.Loopback, port));
    }

    [Test]
    public void TargetsFor_TheDashboardHost_IsThe404Server_EvenWhenAnAppClaimsIt()
    {
        var targets = RouteAnswers.TargetsFor("DASHBOARD.localhost", ["10.0.0.9:80"], Settings);

        RouteAnswers.ZoneLines("dashboard.localhost", targets).Should().Equal(
            "dashboard.localhost. 1 IN SRV 0 1 15380 127-0-0-1.ip.pcloud.internal.",
            "127-0-0-1.ip.pcloud.internal. 1 IN A 127.0.0.1");
    }

    [TestCase(null, "localhost", "dashboard.localhost")]
    [TestCase("", "example.org", "dashboard.example.org")]
    [TestCase(" Panel.Example.org. ", "example.org", "panel.example.org")]
    public void Dashboard_Hostname_DefaultsUnderTheBaseDomain(string? configured, string baseDomain, string expected) =>
        PlatformHostnames.Dashboard(configured, baseDomain).Should().Be(expected);
}
