using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;

namespace PersonalCloud.ControlPlane.Hosting;

/// <summary>Settings read from PCLOUD_* environment variables (the prefix is stripped), validated at start.</summary>
public sealed class ControlPlaneOptions
{
    [Required]
    [ConfigurationKeyName("DATA_DIR")]
    public string DataDir { get; set; } = "/var/lib/personalcloud";

    [Required]
    [ConfigurationKeyName("DATABASE_URL")]
    public string DatabaseUrl { get; set; } = "";

    [ConfigurationKeyName("API_TOKEN")]
    public string? ApiToken { get; set; }

    [ConfigurationKeyName("MASTER_KEY")]
    public string? MasterKey { get; set; }

    [Required]
    [RegularExpression("^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$")]
    [ConfigurationKeyName("BASE_DOMAIN")]
    public string BaseDomain { get; set; } = "localhost";

    [Range(1, 65535)]
    [ConfigurationKeyName("HTTP_PORT")]
    public int HttpPort { get; set; } = 80;

    [Range(1, 65535)]
    [ConfigurationKeyName("HTTPS_PORT")]
    public int HttpsPort { get; set; } = 443;

    /// <summary>Caddy's loopback 404 server; the next port is its 503 server (shown in the dashboard's DNS answers).</summary>
    [Range(1, 65534)]
    [ConfigurationKeyName("FALLBACK_PORT")]
    public int FallbackPort { get; set; } = 15380;

    /// <summary>Unset: generated into <see cref="DashboardPasswordFile"/>. Reachable through Caddy, so not a short one.</summary>
    [RegularExpression("^.{12,}$", ErrorMessage = "PCLOUD_DASHBOARD_PASSWORD has at least 12 characters.")]
    [ConfigurationKeyName("DASHBOARD_PASSWORD")]
    public string? DashboardPassword { get; set; }

    /// <summary>The dashboard's hostname through Caddy; empty: <c>dashboard.&lt;base domain&gt;</c> (see <see cref="DashboardHost"/>).</summary>
    [RegularExpression("^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?\\.?$")]
    [ConfigurationKeyName("DASHBOARD_HOSTNAME")]
    public string? DashboardHostname { get; set; }

    /// <summary>The unix socket Caddy proxies the dashboard's hostname to; empty: <c>&lt;data dir&gt;/run/controlplane/dashboard.sock</c>. Its directory is made 0700.</summary>
    [ConfigurationKeyName("DASHBOARD_SOCKET")]
    public string? DashboardSocket { get; set; }

    /// <summary>Most connections this process holds to Postgres at once; requests beyond wait for one (a flood cannot take all of Postgres's).</summary>
    [Range(2, 200)]
    [ConfigurationKeyName("DATABASE_POOL_SIZE")]
    public int DatabasePoolSize { get; set; } = 20;

    /// <summary>Requests a client address may make without a token or session per minute (also its burst), before 429.</summary>
    [Range(10, 100_000)]
    [ConfigurationKeyName("ANONYMOUS_REQUESTS_PER_MINUTE")]
    public int AnonymousRequestsPerMinute { get; set; } = 120;

    /// <summary>Days an audit record is kept.</summary>
    [Range(1, 3650)]
    [ConfigurationKeyName("AUDIT_RETENTION_DAYS")]
    public int AuditRetentionDays { get; set; } = 90;

    /// <summary>Rejected calls without a token or session are counted per client address, route and status over this window, one row each.</summary>
    [Range(1, 3600)]
    [ConfigurationKeyName("AUDIT_ANONYMOUS_WINDOW_SECONDS")]
    public int AuditAnonymousWindowSeconds { get; set; } = 60;

    /// <summary>Which requests get their one console line: "changes" (writes, and every answer of 400 or more), "all" or "none".</summary>
    [RegularExpression("^(changes|all|none)$", ErrorMessage = "PCLOUD_REQUEST_LOG is changes, all or none.")]
    [ConfigurationKeyName("REQUEST_LOG")]
    public string RequestLog { get; set; } = RequestLogging.Changes;

    public string DashboardHost => Contracts.Routing.PlatformHostnames.Dashboard(DashboardHostname, BaseDomain);

    public string DashboardSocketPath => Contracts.Hosting.DashboardSocket.PathFor(DashboardSocket, DataDir);

    public string DashboardPasswordFile => Path.Combine(DataDir, "dashboard-password");

    public string DataProtectionKeysDir => Path.Combine(DataDir, "dataprotection-keys");

    public string ApiTokenFile => Path.Combine(DataDir, "api-token");

    public string MasterKeyFile => Path.Combine(DataDir, "master.key");
}
