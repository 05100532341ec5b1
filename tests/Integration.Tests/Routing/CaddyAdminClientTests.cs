using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging.Abstractions;
using PersonalCloud.Integration.Tests.Support;
using PersonalCloud.Reconciler.Routing;

namespace PersonalCloud.Integration.Tests.Routing;

[Category("Integration")]
public sealed class CaddyAdminClientTests
{
    private CaddyProcess _caddy = null!;
    private CaddyAdminClient _admin = null!;
    private RoutingSettings _settings = null!;
    private RouteTable _table = null!;
    private TestUpstream _upstream = null!;
    private HttpClient _http = null!;
    private HttpClient _https = null!;

    [OneTimeSetUp]
    public async Task StartCaddy()
    {
        _caddy = await CaddyProcess.StartAsync();
        _admin = new CaddyAdminClient(_caddy.AdminSocket);
        _settings = new RoutingSettings(_caddy.HttpPort, _caddy.HttpsPort, InternalTls: true);
        _table = new RouteTable(_admin, _settings, NullLogger<RouteTable>.Instance);
        _upstream = new TestUpstream("hello from the upstream");

        // No pooling: every Caddy reload closes open client connections.
        _http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.Zero });
        _https = new HttpClient(new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.Zero,
            // Dial Caddy's HTTPS port on loopback whatever the hostname; the URL still sets SNI and Host.
            ConnectCallback = async (_, ct) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                await socket.ConnectAsync(IPAddress.Loopback, _caddy.HttpsPort, ct);
                return new NetworkStream(socket, ownsSocket: true);
            },
            SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = IssuedByCaddysLocalCa },
        });
    }

    [OneTimeTearDown]
    public async Task StopCaddy()
    {
        _https?.Dispose();
        _http?.Dispose();
        _upstream?.Dispose();
        _table?.Dispose();
        _admin?.Dispose();
        if (_caddy is not null)
        {
            await _caddy.DisposeAsync();
        }
    }

    [Test]
    public async Task Apply_NewRoute_ServesTheUpstreamOnPlainHttp()
    {
        var route = NewRoute(_upstream.Dial);

        (await _table.ApplyAsync(route.AppId, route, CancellationToken.None)).Should().BeTrue();

        var (status, body) = await GetHttpAsync(route.Hostnames[0]);
        status.Should().Be(HttpStatusCode.OK);
        body.Should().Be(_upstream.Body);
    }

    [Test]
    public async Task Request_ForUnknownHost_Gets404NoAppAtThisHost()
    {
        var route = NewRoute(_upstream.Dial);
        await _table.ApplyAsync(route.AppId, route, CancellationToken.None);

        var (status, body) = await GetHttpAsync($"nobody-{Guid.NewGuid():N}.localhost");

        status.Should().Be(HttpStatusCode.NotFound);
        body.Should().Be("no app at this host");
    }

    [Test]
    public async Task Apply_AppWithoutUpstreams_Answers503()
    {
        var route = NewRoute();
        await _table.ApplyAsync(route.AppId, route, CancellationToken.None);

        var (status, body) = await GetHttpAsync(route.Hostnames[0]);

        status.Should().Be(HttpStatusCode.ServiceUnavailable);
        body.Should().Be($"app {route.AppName} has no running release");
    }

    [Test]
    public async Task Apply_SameRouteTwice_ReturnsFalseAndLeavesCaddysConfigAlone()
    {
        var route = NewRoute(_upstream.Dial);
        await _table.ApplyAsync(route.AppId, route, CancellationToken.None);
        var (_, etagBefore) = await _admin.GetAppsAsync(CancellationToken.None);

        var changed = await _table.ApplyAsync(route.AppId, route with { }, CancellationToken.None);

        changed.Should().BeFalse();
        var (_, etagAfter) = await _admin.GetAppsAsync(CancellationToken.None);
        etagAfter.Should().NotBeNull().And.Be(etagBefore);
    }

    [Test]
    public async Task Get_AfterApply_ReadsTheRouteBackFromCaddy()
    {
        var route = NewRoute(_upstream.Dial);
        await _table.ApplyAsync(route.AppId, route, CancellationToken.None);

        var observed = await _table.GetAsync(route.AppId, CancellationToken.None);

        observed.Should().BeEquivalentTo(route, options => options.ComparingByMembers<AppRoute>());
    }

    [Test]
    public async Task Prune_RemovesRoutesOfUnknownAppsOnly()
    {
        var kept = NewRoute(_upstream.Dial);
        var pruned = NewRoute(_upstream.Dial);
        await _table.ApplyAsync(kept.AppId, kept, CancellationToken.None);
        await _table.ApplyAsync(pruned.AppId, pruned, CancellationToken.None);
        var known = CaddyRouteReader.Read((await _admin.GetAppsAsync(CancellationToken.None)).Apps)
            .Select(route => route.AppId)
            .Where(id => id != pruned.AppId)
            .ToHashSet();

        (await _table.PruneAsync(known, CancellationToken.None)).Should().BeTrue();

        (await GetHttpAsync(pruned.Hostnames[0])).Status.Should().Be(HttpStatusCode.NotFound);
        (await GetHttpAsync(kept.Hostnames[0])).Status.Should().Be(HttpStatusCode.OK);
    }

    [Test]
    public async Task Apply_ConfigCaddyRejects_ThrowsAndTheOldConfigKeepsServing()
    {
        var serving = NewRoute(_upstream.Dial);
        await _table.ApplyAsync(serving.AppId, serving, CancellationToken.None);
        // Both servers on one port: Caddy refuses to load it ("listener address repeated").
        using var broken = new RouteTable(_admin, _settings with { HttpsPort = _settings.HttpPort }, NullLogger<RouteTable>.Instance);
        var other = NewRoute(_upstream.Dial);

        var act = () => broken.ApplyAsync(other.AppId, other, CancellationToken.None);

        var thrown = await act.Should().ThrowAsync<CaddyAdminException>();
        thrown.Which.StatusCode.Should().Be(HttpStatusCode.InternalServerError);
        thrown.Which.Message.Should().Contain("listener address repeated");
        (await GetHttpAsync(serving.Hostnames[0])).Body.Should().Be(_upstream.Body);
        (await _table.GetAsync(other.AppId, CancellationToken.None)).Should().BeNull();
    }

    [Test]
    public async Task Load_WithStaleETag_Gets412AndChangesNothing()
    {
        var (_, staleEtag) = await _admin.GetAppsAsync(CancellationToken.None);
        var route = NewRoute(_upstream.Dial);
        await _table.ApplyAsync(route.AppId, route, CancellationToken.None);
        var (current, _) = await _admin.GetAppsAsync(CancellationToken.None);

        var act = () => _admin.LoadAppsAsync(CaddyConfigBuilder.Build(_settings, []), staleEtag, CancellationToken.None);

        (await act.Should().ThrowAsync<CaddyAdminException>()).Which.StatusCode.Should().Be(HttpStatusCode.PreconditionFailed);
        var (after, _) = await _admin.GetAppsAsync(CancellationToken.None);
        System.Text.Json.Nodes.JsonNode.DeepEquals(after, current).Should().BeTrue();
    }

    [Test]
    public async Task Apply_WithInternalTls_ServesHttpsWithACertificateFromCaddysLocalCa()
    {
        var route = NewRoute(_upstream.Dial);
        await _table.ApplyAsync(route.AppId, route, CancellationToken.None);

        // Caddy obtains the certificate in the background after the load returns.
        string? body = null;
        await Eventually.UntilAsync(
            async () =>
            {
                using var response = await _https.GetAsync($"https://{route.Hostnames[0]}:{_caddy.HttpsPort}/");
                body = await response.Content.ReadAsStringAsync();
                return response.StatusCode == HttpStatusCode.OK;
            },
            TimeSpan.FromSeconds(15),
            $"https://{route.Hostnames[0]} answers 200 with a certificate Caddy's local CA signed");

        body.Should().Be(_upstream.Body);
    }

    private static AppRoute NewRoute(params string[] upstreams)
    {
        var appId = Guid.NewGuid();
        var name = $"t-{appId.ToString("N")[..12]}";
        return new AppRoute(appId, name, [$"{name}.localhost"], upstreams);
    }

    private async Task<(HttpStatusCode Status, string Body)> GetHttpAsync(string host)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{_caddy.HttpPort}/");
        request.Headers.Host = host;
        using var response = await _http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private bool IssuedByCaddysLocalCa(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (certificate is not X509Certificate2 leaf || errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
        {
            return false;
        }

        using var root = X509Certificate2.CreateFromPem(File.ReadAllText(_caddy.LocalRootCertificate));
        using var trusted = new X509Chain();
        trusted.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        trusted.ChainPolicy.CustomTrustStore.Add(root);
        trusted.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        foreach (var element in chain?.ChainElements ?? Enumerable.Empty<X509ChainElement>())
        {
            trusted.ChainPolicy.ExtraStore.Add(element.Certificate);
        }

        return trusted.Build(leaf);
    }
}
