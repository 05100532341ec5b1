using System.Net;
using System.Text.Json.Nodes;
using ARSoft.Tools.Net;
using ARSoft.Tools.Net.Dns;
using Microsoft.Extensions.Logging.Abstractions;
using PersonalCloud.Integration.Tests.Support;
using PersonalCloud.Reconciler.Routing;

namespace PersonalCloud.Integration.Tests.Routing;

/// <summary>Caddy's static config against a real Caddy, and how a restarted reconciler comes back without disturbing it.</summary>
[Category("Integration")]
public sealed class StaticProxyConfigTests
{
    private RoutingStack _stack = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => _stack = await RoutingStack.StartAsync();

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        if (_stack is not null)
            await _stack.DisposeAsync();
    }

    [Test]
    public async Task Ensure_ByARestartedReconcilerWithSameSettings_LeavesCaddyAlone()
    {
        var (_, etagBefore) = await _stack.Admin.GetAppsAsync(CancellationToken.None);
        var loadsBefore = _stack.Caddy.ConfigLoads;
        var restarted = new ProxyConfigurator(_stack.Admin, _stack.Settings with { }, RoutingStack.ConfigRecord, NullLogger<ProxyConfigurator>.Instance);

        (await restarted.EnsureAsync(CancellationToken.None)).Should().BeFalse();

        var (_, etagAfter) = await _stack.Admin.GetAppsAsync(CancellationToken.None);
        etagAfter.Should().NotBeNull().And.Be(etagBefore);
        _stack.Caddy.ConfigLoads.Should().Be(loadsBefore);
    }

    [Test]
    public async Task Ensure_ConfigCaddyRejects_ThrowsAndTheOldConfigKeepsServing()
    {
        // Both public servers on one port: Caddy refuses to load it ("listener address repeated").
        var broken = new ProxyConfigurator(_stack.Admin, _stack.Settings with { HttpsPort = _stack.Settings.HttpPort }, RoutingStack.ConfigRecord, NullLogger<ProxyConfigurator>.Instance);

        var act = () => broken.EnsureAsync(CancellationToken.None);

        var thrown = await act.Should().ThrowAsync<CaddyAdminException>();
        thrown.Which.StatusCode.Should().Be(HttpStatusCode.InternalServerError);
        (await _stack.GetAsync($"nobody-{Guid.NewGuid():N}.localhost")).Status.Should().Be(HttpStatusCode.NotFound);
        (await _stack.Proxy.EnsureAsync(CancellationToken.None)).Should().BeFalse("Caddy still has the good config");
    }

    [Test]
    public async Task Load_WithStaleETag_Gets412AndChangesNothing()
    {
        var (current, etag) = await _stack.Admin.GetAppsAsync(CancellationToken.None);
        var stale = etag!.Replace(etag.Split(' ')[1].TrimEnd('"'), "00000000", StringComparison.Ordinal);

        var act = () => _stack.Admin.LoadAppsAsync(CaddyConfigBuilder.Build(_stack.Settings with { HttpPort = 1 }), stale, CancellationToken.None);

        (await act.Should().ThrowAsync<CaddyAdminException>()).Which.StatusCode.Should().Be(HttpStatusCode.PreconditionFailed);
        var (after, _) = await _stack.Admin.GetAppsAsync(CancellationToken.None);
        JsonNode.DeepEquals(after, current).Should().BeTrue();
    }

    [Test]
    public async Task DnsResponder_OfARestartedReconciler_StaysSilentUntilTheTableIsLoaded()
    {
        var route = RoutingStack.NewRoute("10.1.2.3:8080");
        await _stack.Routes.ApplyAsync(route.AppId, route, CancellationToken.None);
        using var table = new RouteTable(RoutingDatabase.DataSource, TimeProvider.System, NullLogger<RouteTable>.Instance);
        var port = RoutingStack.FreeUdpPort();
        using var dns = new RouteDnsServer(table, _stack.Settings with { DnsPort = port }, RoutingStack.AnswersFor(_stack.Settings), NullLogger<RouteDnsServer>.Instance);
        await dns.StartAsync(CancellationToken.None);
        try
        {
            (await QuerySrvAsync(port, route.Hostnames[0])).Should().BeNull("an unloaded table would call every app unknown");

            await table.LoadAsync(CancellationToken.None);

            DnsMessage? answer = null;
            await Eventually.UntilAsync(async () => (answer = await QuerySrvAsync(port, route.Hostnames[0])) is not null,
                TimeSpan.FromSeconds(5), "the responder answers once the table is loaded");
            answer!.AnswerRecords.OfType<SrvRecord>().Select(r => $"{r.Target}:{r.Port}").Should().Equal("10-1-2-3.ip.pcloud.internal.:8080");
        }
        finally
        {
            await dns.StopAsync(CancellationToken.None);
        }
    }

    private static async Task<DnsMessage?> QuerySrvAsync(int port, string hostname)
    {
        using var client = new DnsClient([IPAddress.Loopback], [new UdpClientTransport(port)], disposeTransport: true, queryTimeout: 500);
        return await client.ResolveAsync(DomainName.Parse(hostname), RecordType.Srv, RecordClass.INet, null, CancellationToken.None);
    }
}
