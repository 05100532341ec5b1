using System.Globalization;
using System.Text.Json;

namespace PersonalCloud.Reconciler.Routing;

/// <summary>
/// Builds Caddy's whole, static <c>/config/apps</c> from the proxy settings alone. Apps, domains and upstreams are
/// not in it: Caddy asks <see cref="RouteDnsServer"/> per request host, so a route change never reloads Caddy.
/// </summary>
public static class CaddyConfigBuilder
{
    public const string HttpServerName = "pcloud_http";
    public const string HttpsServerName = "pcloud_https";
    public const string NotFoundServerName = "pcloud_not_found";
    public const string UnavailableServerName = "pcloud_unavailable";
    public const string LocalCertificateAuthority = "local";
    public const string NotFoundBody = "no app at this host";
    public const string UnavailableBody = "this app has no running release";

    /// <summary>How long Caddy reuses an SRV answer; also the longest an old upstream may still get new requests.</summary>
    public static readonly TimeSpan UpstreamRefresh = TimeSpan.FromMilliseconds(20);

    // Retrying covers a dial to an upstream that just went away and a DNS responder that is restarting.
    private const string TryDuration = "5s";
    private const string TryInterval = "100ms";

    public static CaddyApps Build(ProxySettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);

        var resolver = new CaddyResolver([$"udp/127.0.0.1:{settings.DnsPort.ToString(CultureInfo.InvariantCulture)}"]);
        CaddyRoute[] proxy =
        [
            new([new CaddyReverseProxyHandler(
                new CaddySrvUpstreams("srv", "{http.request.host}", $"{UpstreamRefresh.TotalMilliseconds.ToString(CultureInfo.InvariantCulture)}ms", resolver),
                new CaddyHttpTransport("http", resolver),
                new CaddyLoadBalancing(TryDuration, TryInterval))]),
        ];

        var servers = new SortedDictionary<string, CaddyServer>(StringComparer.Ordinal)
        {
            // http_port is set on the app, so Caddy leaves this server plain HTTP.
            [HttpServerName] = new CaddyServer([Any(settings.HttpPort)], proxy),
            [HttpsServerName] = new CaddyServer(
                [Any(settings.HttpsPort)],
                proxy,
                TlsConnectionPolicies: [new CaddyTlsConnectionPolicy()],
                AutomaticHttps: new CaddyAutomaticHttps(DisableRedirects: true)),
            [NotFoundServerName] = Fallback(settings.NotFoundPort, 404, NotFoundBody),
            [UnavailableServerName] = Fallback(settings.UnavailablePort, 503, UnavailableBody),
        };

        // On-demand: a new hostname needs no config change, Caddy asks TlsAskUrl at its first handshake.
        var policy = new CaddyAutomationPolicy(settings.InternalTls ? [new CaddyIssuer("internal")] : null, OnDemand: true);

        return new CaddyApps(
            new CaddyHttpApp(settings.HttpPort, settings.HttpsPort, servers),
            new CaddyTlsApp(new CaddyTlsAutomation([policy], new CaddyOnDemand(settings.TlsAskUrl))),
            // As root Caddy would otherwise write its local CA into the host's trust store.
            new CaddyPkiApp(new SortedDictionary<string, CaddyCertificateAuthority>(StringComparer.Ordinal)
            {
                [LocalCertificateAuthority] = new CaddyCertificateAuthority(InstallTrust: false),
            }));
    }

    public static string Serialize(CaddyApps apps) =>
        JsonSerializer.Serialize(apps, CaddyJsonContext.Default.CaddyApps);

    private static string Any(int port) => ":" + port.ToString(CultureInfo.InvariantCulture);

    // Loopback only and no host matchers: Caddy keeps it plain HTTP, and only the proxy above reaches it.
    private static CaddyServer Fallback(int port, int status, string body) =>
        new(["127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture)], [new CaddyRoute([new CaddyStaticResponseHandler(status, body)])]);
}
