using System.Globalization;
using System.Text.Json;

namespace PersonalCloud.Reconciler.Routing;

/// <summary>
/// Builds Caddy's whole, static <c>/config/apps</c> from the proxy settings alone. Apps, domains and upstreams are
/// not in it: Caddy asks <see cref="RouteDnsServer"/> per request host, so a route change never reloads Caddy.
/// Before that catch-all proxy: the dashboard's hostname (HTTPS only, to the ControlPlane's root-only socket, with
/// HSTS; plain HTTP is redirected) and hosts no DNS lookup can answer (IP literals, malformed names: 404 at once).
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

    /// <summary>One year; no includeSubDomains: the dashboard's hostname says nothing about the apps' hostnames.</summary>
    public const string StrictTransportSecurity = "max-age=31536000";

    /// <summary>
    /// A hostname a DNS lookup can be made for: dot-separated labels of letters, digits, '_' and '-' (not at either end),
    /// at most 63 characters each, the last starting with a letter. Go's resolver (Caddy's) refuses to look up anything
    /// else (an IP literal, an all-numeric or malformed name) and the proxy would retry that refusal for its whole try
    /// duration; such hosts get the 404 at once instead. No app can own one: validation refuses them.
    /// </summary>
    public const string LookupableHost = @"^(?i)(?:[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?\.)*[a-z_](?:[a-z0-9_-]{0,61}[a-z0-9_])?\.?$";

    /// <summary>Longer than any name Go's resolver looks up (253 characters and a final dot).</summary>
    public const string OverlongHost = "^.{254,}$";

    private const string RequestHost = "{http.request.host}";

    /// <summary>How long Caddy reuses an SRV answer; also the longest an old upstream may still get new requests.</summary>
    public static readonly TimeSpan UpstreamRefresh = TimeSpan.FromMilliseconds(20);

    // Retrying covers a dial to an upstream that just went away and a DNS responder that is restarting.
    private const string TryDuration = "5s";
    private const string TryInterval = "100ms";

    public static CaddyApps Build(ProxySettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);

        var resolver = new CaddyResolver([$"udp/127.0.0.1:{settings.DnsPort.ToString(CultureInfo.InvariantCulture)}"]);
        var proxy = new CaddyRoute([new CaddyReverseProxyHandler(
            new CaddySrvUpstreams("srv", RequestHost, $"{UpstreamRefresh.TotalMilliseconds.ToString(CultureInfo.InvariantCulture)}ms", resolver),
            Upstreams: null,
            new CaddyHttpTransport("http", resolver),
            new CaddyLoadBalancing(TryDuration, TryInterval))]);
        var unlookupable = UnlookupableHosts();
        var dashboard = DashboardHosts(settings);

        var servers = new SortedDictionary<string, CaddyServer>(StringComparer.Ordinal)
        {
            // http_port is set on the app, so Caddy leaves this server plain HTTP.
            [HttpServerName] = new CaddyServer([Any(settings.HttpPort)], [RedirectToHttps(dashboard, settings.HttpsPort), unlookupable, proxy]),
            [HttpsServerName] = new CaddyServer(
                [Any(settings.HttpsPort)],
                [ProxyToControlPlane(dashboard, settings.DashboardSocket), unlookupable, proxy],
                TlsConnectionPolicies: [new CaddyTlsConnectionPolicy()],
                // The dashboard's host matcher must not make Caddy manage its certificate eagerly: it stays on demand, as every other.
                AutomaticHttps: new CaddyAutomaticHttps(DisableRedirects: true, SkipCertificates: dashboard)),
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

    /// <summary>The dashboard's hostname, also written as an absolute name (a trailing dot), which the host matcher does not equate.</summary>
    private static string[] DashboardHosts(ProxySettings settings) => [settings.DashboardHost, settings.DashboardHost + "."];

    /// <summary>308 keeps the method and body; path, query and the HTTPS port (unless 443) are kept in the Location.</summary>
    private static CaddyRoute RedirectToHttps(string[] dashboard, int httpsPort)
    {
        var port = httpsPort == 443 ? "" : ":" + httpsPort.ToString(CultureInfo.InvariantCulture);
        return new CaddyRoute(
            [new CaddyStaticResponseHandler(308, Headers: new SortedDictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal)
            {
                ["Location"] = [$"https://{RequestHost}{port}{{http.request.uri}}"],
            })],
            Match: [new CaddyMatcherSet(Host: dashboard)],
            Terminal: true);
    }

    /// <summary>The ControlPlane over its unix socket: the only path on which it believes X-Forwarded-For and -Proto (Caddy sets both).</summary>
    private static CaddyRoute ProxyToControlPlane(string[] dashboard, string socket) => new(
        [
            new CaddyHeadersHandler(new CaddyHeaderOps(new SortedDictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal)
            {
                ["Strict-Transport-Security"] = [StrictTransportSecurity],
            })),
            new CaddyReverseProxyHandler(null, [new CaddyUpstream("unix/" + socket)], null, new CaddyLoadBalancing(TryDuration, TryInterval)),
        ],
        Match: [new CaddyMatcherSet(Host: dashboard)],
        Terminal: true);

    private static CaddyRoute UnlookupableHosts() => new(
        [new CaddyStaticResponseHandler(404, NotFoundBody)],
        Match:
        [
            new CaddyMatcherSet(Not: [new CaddyMatcherSet(VarsRegexp: Pattern(LookupableHost))]),
            new CaddyMatcherSet(VarsRegexp: Pattern(OverlongHost)),
        ],
        Terminal: true);

    private static SortedDictionary<string, CaddyPattern> Pattern(string pattern) =>
        new(StringComparer.Ordinal) { [RequestHost] = new CaddyPattern(pattern) };

    // Loopback only and no host matchers: Caddy keeps it plain HTTP, and only the proxy above reaches it.
    private static CaddyServer Fallback(int port, int status, string body) =>
        new(["127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture)], [new CaddyRoute([new CaddyStaticResponseHandler(status, body)])]);
}
