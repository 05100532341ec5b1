namespace PersonalCloud.Contracts.Routing;

/// <summary>Where the DNS responder sends hosts that are no app's: the platform's own hosts and Caddy's fallback servers.</summary>
/// <param name="NotFoundPort">Caddy's loopback 404 server (a host no app has).</param>
/// <param name="UnavailablePort">Caddy's loopback 503 server (an app with no running release).</param>
/// <param name="PlatformHosts">
/// Normalized hostname → the loopback port its DNS answer names, for hostnames no app may own. The dashboard's is the
/// 404 server: Caddy serves the dashboard on a static route of its own (over the ControlPlane's root-only socket), so
/// a request that reaches DNS routing under its name anyway never gets to an app or to the API's TCP port.
/// </param>
public sealed record RouteAnswerSettings(int NotFoundPort, int UnavailablePort, IReadOnlyDictionary<string, int> PlatformHosts)
{
    /// <summary>From the settings both processes read: PCLOUD_FALLBACK_PORT (404; the next port 503) and the dashboard's hostname.</summary>
    public static RouteAnswerSettings Create(int fallbackPort, string dashboardHostname) =>
        new(fallbackPort, fallbackPort + 1, new Dictionary<string, int>(StringComparer.Ordinal)
        {
            [RouteAnswers.NormalizeHostname(dashboardHostname)] = fallbackPort,
        });
}

/// <summary>Hostnames the platform serves itself.</summary>
public static class PlatformHostnames
{
    /// <summary>PCLOUD_DASHBOARD_HOSTNAME when set, else <c>dashboard.&lt;base domain&gt;</c> ("dashboard" is a reserved app name).</summary>
    public static string Dashboard(string? configured, string baseDomain) =>
        RouteAnswers.NormalizeHostname(string.IsNullOrWhiteSpace(configured) ? $"dashboard.{baseDomain}" : configured);
}
