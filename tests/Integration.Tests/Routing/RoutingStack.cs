using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using PersonalCloud.Contracts.Routing;
using PersonalCloud.Integration.Tests.Support;
using PersonalCloud.Reconciler.Routing;

namespace PersonalCloud.Integration.Tests.Routing;

/// <summary>
/// The reconciler's routing as in production, on free ports: a real Caddy given the static config by
/// <see cref="ProxyConfigurator"/>, the real <see cref="RouteDnsServer"/>, and a <see cref="RouteTable"/> on Postgres.
/// </summary>
internal sealed class RoutingStack : IAsyncDisposable
{
    private readonly HttpClient _http;

    private RoutingStack(CaddyProcess caddy, TlsAskServer ask, ProxySettings settings, RouteTable routes, RouteDnsServer dns)
    {
        Caddy = caddy;
        Ask = ask;
        Settings = settings;
        Routes = routes;
        Dns = dns;
        Admin = new CaddyAdminClient(caddy.AdminSocket);
        Proxy = new ProxyConfigurator(Admin, settings, ConfigRecord, NullLogger<ProxyConfigurator>.Instance);
        // No pooling, so each probe is a fresh connection and shows Caddy's current routing.
        _http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.Zero }) { Timeout = TimeSpan.FromSeconds(10) };
    }

    public static CaddyConfigRecord ConfigRecord => new(RoutingDatabase.DataSource, TimeProvider.System);

    public CaddyProcess Caddy { get; }

    public CaddyAdminClient Admin { get; }

    public TlsAskServer Ask { get; }

    public ProxySettings Settings { get; }

    public RouteTable Routes { get; private set; }

    public RouteDnsServer Dns { get; private set; }

    public ProxyConfigurator Proxy { get; }

    public static async Task<RoutingStack> StartAsync()
    {
        var caddy = await CaddyProcess.StartAsync();
        var ask = new TlsAskServer();
        var settings = new ProxySettings(
            caddy.HttpPort, caddy.HttpsPort, InternalTls: true, FreeUdpPort(), TestUpstream.FreePort(), TestUpstream.FreePort(), ask.Url,
            "dashboard.localhost", Path.Combine(Path.GetTempPath(), $"pcloud-routing-{Guid.NewGuid():N}.sock"));
        var (routes, dns) = await StartDnsAsync(settings);
        var stack = new RoutingStack(caddy, ask, settings, routes, dns);
        await stack.Proxy.EnsureAsync(CancellationToken.None);
        await Eventually.UntilAsync(
            async () => (await stack.GetAsync($"nobody-{Guid.NewGuid():N}.localhost")).Status == HttpStatusCode.NotFound,
            TimeSpan.FromSeconds(15),
            "Caddy serves the static config and answers an unknown host with 404");
        return stack;
    }

    /// <summary>
    /// What a reconciler restart does to routing: the responder goes away for <paramref name="downtime"/>, then a new
    /// one answers from a table freshly loaded from Postgres.
    /// </summary>
    public async Task RestartDnsAsync(TimeSpan downtime)
    {
        await Dns.StopAsync(CancellationToken.None);
        Dns.Dispose();
        Routes.Dispose();
        await Task.Delay(downtime);
        (Routes, Dns) = await StartDnsAsync(Settings);
    }

    /// <summary>The fallback ports of <paramref name="settings"/>; the dashboard entry points at a port nothing listens on.</summary>
    public static RouteAnswerSettings AnswersFor(ProxySettings settings) =>
        new(settings.NotFoundPort, settings.UnavailablePort, new Dictionary<string, int> { ["dashboard.localhost"] = 1 });

    public static int FreeUdpPort()
    {
        using var socket = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.Client.LocalEndPoint!).Port;
    }

    public static AppRoute NewRoute(params string[] upstreams)
    {
        var appId = Guid.NewGuid();
        var name = $"t-{appId.ToString("N")[..12]}";
        return new AppRoute(appId, name, [$"{name}.localhost"], upstreams);
    }

    /// <summary>One request through Caddy's HTTP port, addressed by Host header.</summary>
    public async Task<(HttpStatusCode Status, string Body)> GetAsync(string host)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{Caddy.HttpPort}/");
        request.Headers.Host = host;
        using var response = await _http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static async Task<(RouteTable Routes, RouteDnsServer Dns)> StartDnsAsync(ProxySettings settings)
    {
        var routes = new RouteTable(RoutingDatabase.DataSource, TimeProvider.System, NullLogger<RouteTable>.Instance);
        await routes.LoadAsync(CancellationToken.None);
        var dns = new RouteDnsServer(routes, settings, AnswersFor(settings), NullLogger<RouteDnsServer>.Instance);
        await dns.StartAsync(CancellationToken.None);
        return (routes, dns);
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await Dns.StopAsync(CancellationToken.None);
        Dns.Dispose();
        Routes.Dispose();
        Admin.Dispose();
        Ask.Dispose();
        await Caddy.DisposeAsync();
    }
}
