namespace PersonalCloud.Reconciler.Routing;

/// <summary>Everything Caddy's static config depends on; apps, domains and upstreams are not in it (the DNS responder has them).</summary>
/// <param name="DnsPort">The loopback UDP port of <see cref="RouteDnsServer"/>.</param>
/// <param name="NotFoundPort">The loopback port of Caddy's 404 server (a host no app has).</param>
/// <param name="UnavailablePort">The loopback port of Caddy's 503 server (an app with no running release).</param>
/// <param name="TlsAskUrl">Where Caddy asks whether it may get a certificate for a hostname at its first handshake.</param>
/// <param name="DashboardHost">The dashboard's hostname: Caddy serves it on a route of its own, HTTPS only.</param>
/// <param name="DashboardSocket">The ControlPlane's root-only unix socket that route proxies to.</param>
public sealed record ProxySettings(
    int HttpPort,
    int HttpsPort,
    bool InternalTls,
    int DnsPort,
    int NotFoundPort,
    int UnavailablePort,
    string TlsAskUrl,
    string DashboardHost,
    string DashboardSocket);
