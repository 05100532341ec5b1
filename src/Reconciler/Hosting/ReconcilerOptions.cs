using System.ComponentModel.DataAnnotations;

namespace PersonalCloud.Reconciler.Hosting;

/// <summary>Settings read from PCLOUD_* environment variables (the prefix is stripped), validated at start.</summary>
public sealed class ReconcilerOptions
{
    [Required]
    [ConfigurationKeyName("DATA_DIR")]
    public string DataDir { get; set; } = "/var/lib/personalcloud";

    [Required]
    [ConfigurationKeyName("DATABASE_URL")]
    public string DatabaseUrl { get; set; } = "";

    [ConfigurationKeyName("MASTER_KEY")]
    public string? MasterKey { get; set; }

    /// <summary>Caddy's admin endpoint: a unix socket path, or a loopback http:// address.</summary>
    [ConfigurationKeyName("CADDY_ADMIN_SOCKET")]
    public string? CaddyAdmin { get; set; }

    [Required]
    [ConfigurationKeyName("BASE_DOMAIN")]
    public string BaseDomain { get; set; } = "localhost";

    [Range(1, 65535)]
    [ConfigurationKeyName("HTTP_PORT")]
    public int HttpPort { get; set; } = 80;

    [Range(1, 65535)]
    [ConfigurationKeyName("HTTPS_PORT")]
    public int HttpsPort { get; set; } = 443;

    /// <summary>The loopback UDP port of the DNS responder Caddy asks for each request host's upstreams.</summary>
    [Range(1, 65535)]
    [ConfigurationKeyName("DNS_PORT")]
    public int DnsPort { get; set; } = 15353;

    /// <summary>Caddy's loopback fallback servers: this port answers 404 (unknown host), the next one 503 (no running release).</summary>
    [Range(1, 65534)]
    [ConfigurationKeyName("FALLBACK_PORT")]
    public int FallbackPort { get; set; } = 15380;

    /// <summary>The ControlPlane's port on loopback: Caddy asks it whether a hostname may get a certificate.</summary>
    [Range(1, 65535)]
    [ConfigurationKeyName("API_PORT")]
    public int ApiPort { get; set; } = 8300;

    /// <summary>The dashboard's hostname through Caddy; empty: <c>dashboard.&lt;base domain&gt;</c> (see <see cref="DashboardHost"/>).</summary>
    [RegularExpression("^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?\\.?$")]
    [ConfigurationKeyName("DASHBOARD_HOSTNAME")]
    public string? DashboardHostname { get; set; }

    /// <summary>The ControlPlane's unix socket Caddy proxies the dashboard's hostname to; empty: <c>&lt;data dir&gt;/run/controlplane/dashboard.sock</c>.</summary>
    [ConfigurationKeyName("DASHBOARD_SOCKET")]
    public string? DashboardSocket { get; set; }

    /// <summary>"internal" (Caddy's own CA), "acme" (public certificates) or empty: internal for local base domains.</summary>
    [ConfigurationKeyName("TLS_ISSUER")]
    public string? TlsIssuer { get; set; }

    /// <summary>Names this platform on the Docker engine (a label on everything it creates); it never touches other instances' containers.</summary>
    [Required]
    [RegularExpression("^[a-z0-9][a-z0-9-]{0,62}$")]
    [ConfigurationKeyName("INSTANCE")]
    public string Instance { get; set; } = "default";

    [Range(1, 3600)]
    [ConfigurationKeyName("RESYNC_SECONDS")]
    public int ResyncSeconds { get; set; } = 30;

    /// <summary>Lines kept per app when the app sets no limit of its own (apps.log_retention_lines).</summary>
    [Range(100, 10_000_000)]
    [ConfigurationKeyName("LOG_RETENTION_LINES")]
    public int LogRetentionLines { get; set; } = 10_000;

    /// <summary>Hours a line is kept when the app sets no limit of its own (apps.log_retention_hours).</summary>
    [Range(1, 87_600)]
    [ConfigurationKeyName("LOG_RETENTION_HOURS")]
    public int LogRetentionHours { get; set; } = 168;

    [Range(1, 16)]
    [ConfigurationKeyName("RECONCILE_WORKERS")]
    public int Workers { get; set; } = 4;

    public string CaddyAdminEndpoint => string.IsNullOrWhiteSpace(CaddyAdmin) ? Path.Combine(DataDir, "run", "caddy-admin.sock") : CaddyAdmin;

    public string MasterKeyFile => Path.Combine(DataDir, "master.key");

    public string DashboardHost => Contracts.Routing.PlatformHostnames.Dashboard(DashboardHostname, BaseDomain);

    public string DashboardSocketPath => Contracts.Hosting.DashboardSocket.PathFor(DashboardSocket, DataDir);

    /// <summary>Everything Caddy's static config is built from (the reconciler loads it, route-dns answers by the same ports).</summary>
    public Routing.ProxySettings ProxySettings() => new(HttpPort, HttpsPort, InternalTls, DnsPort, FallbackPort, FallbackPort + 1,
        $"http://127.0.0.1:{ApiPort}/internal/tls/ask", DashboardHost, DashboardSocketPath);

    public bool InternalTls => TlsIssuer switch
    {
        "internal" => true,
        "acme" => false,
        _ => BaseDomain == "localhost" || BaseDomain.EndsWith(".localhost", StringComparison.Ordinal) ||
             BaseDomain.EndsWith(".local", StringComparison.Ordinal) || BaseDomain.EndsWith(".internal", StringComparison.Ordinal) ||
             BaseDomain.EndsWith(".test", StringComparison.Ordinal),
    };
}
