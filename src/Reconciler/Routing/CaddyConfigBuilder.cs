using System.Text.Json;

namespace PersonalCloud.Reconciler.Routing;

/// <summary>Turns the routes every app should have into the whole <c>/config/apps</c> object. Pure and deterministic.</summary>
public static class CaddyConfigBuilder
{
    public const string HttpServerName = "pcloud_http";
    public const string HttpsServerName = "pcloud_https";
    public const string AppRouteIdPrefix = "pcloud-app-";
    public const string CatchAllRouteId = "pcloud-catch-all";
    public const string LocalCertificateAuthority = "local";
    public const string CatchAllBody = "no app at this host";

    public static string AppRouteId(Guid appId) => AppRouteIdPrefix + appId.ToString("N");

    public static string NoReleaseBody(string appName) => $"app {appName} has no running release";

    public static CaddyApps Build(RoutingSettings settings, IEnumerable<AppRoute> routes)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(routes);

        var normalized = routes
            .Select(Normalize)
            .Where(route => route.Hostnames.Count > 0)
            .OrderBy(route => route.AppName, StringComparer.Ordinal)
            .ThenBy(route => route.AppId)
            .ToList();

        var caddyRoutes = normalized.Select(ToCaddyRoute).Append(CatchAll()).ToList();

        var servers = new SortedDictionary<string, CaddyServer>(StringComparer.Ordinal)
        {
            // Listening only on the HTTP port keeps Caddy's automatic HTTPS off this server.
            [HttpServerName] = new CaddyServer([$":{settings.HttpPort}"], caddyRoutes),
            [HttpsServerName] = new CaddyServer(
                [$":{settings.HttpsPort}"],
                caddyRoutes,
                new CaddyAutomaticHttps(DisableRedirects: true)),
        };

        return new CaddyApps(
            new CaddyHttpApp(settings.HttpPort, settings.HttpsPort, servers),
            settings.InternalTls ? InternalTlsFor(normalized) : null,
            // As root Caddy would otherwise write its local CA into the host's trust store.
            new CaddyPkiApp(new SortedDictionary<string, CaddyCertificateAuthority>(StringComparer.Ordinal)
            {
                [LocalCertificateAuthority] = new CaddyCertificateAuthority(InstallTrust: false),
            }));
    }

    public static string Serialize(CaddyApps apps) =>
        JsonSerializer.Serialize(apps, CaddyJsonContext.Default.CaddyApps);

    /// <summary>Hostnames are case-insensitive and Caddy rejects a repeated host, so lower-case, dedupe and sort them.</summary>
    private static AppRoute Normalize(AppRoute route) => route with
    {
        Hostnames = route.Hostnames
            .Select(host => host.Trim().ToLowerInvariant())
            .Where(host => host.Length > 0)
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToList(),
        Upstreams = route.Upstreams
            .Select(upstream => upstream.Trim())
            .Where(upstream => upstream.Length > 0)
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToList(),
    };

    private static CaddyRoute ToCaddyRoute(AppRoute route)
    {
        CaddyHandler answer = route.Upstreams.Count > 0
            ? new CaddyReverseProxyHandler(route.Upstreams.Select(dial => new CaddyUpstream(dial)).ToList())
            : new CaddyStaticResponseHandler(503, NoReleaseBody(route.AppName));

        return new CaddyRoute(
            AppRouteId(route.AppId),
            [new CaddyMatch(route.Hostnames)],
            [new CaddyVarsHandler(route.AppName), answer],
            Terminal: true);
    }

    // Without it Caddy answers an unknown host with 200 and an empty body.
    private static CaddyRoute CatchAll() =>
        new(CatchAllRouteId, Match: null, [new CaddyStaticResponseHandler(404, CatchAllBody)]);

    private static CaddyTlsApp? InternalTlsFor(IReadOnlyList<AppRoute> routes)
    {
        var subjects = routes
            .SelectMany(route => route.Hostnames)
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToList();

        // A policy without subjects would apply to every name, so emit none at all.
        return subjects.Count == 0
            ? null
            : new CaddyTlsApp(new CaddyTlsAutomation([new CaddyAutomationPolicy(subjects, [new CaddyIssuer("internal")])]));
    }
}
