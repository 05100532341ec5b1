namespace PersonalCloud.Contracts.Hosting;

/// <summary>
/// The unix socket Caddy reaches the ControlPlane through for the dashboard's hostname. Its directory is 0700 root,
/// so only Caddy (root) connects, and the ControlPlane believes X-Forwarded-* headers on this socket alone.
/// </summary>
public static class DashboardSocket
{
    /// <summary>PCLOUD_DASHBOARD_SOCKET when set, else <c>&lt;data dir&gt;/run/controlplane/dashboard.sock</c>.</summary>
    public static string PathFor(string? configured, string dataDir) =>
        string.IsNullOrWhiteSpace(configured) ? Path.Combine(dataDir, "run", "controlplane", "dashboard.sock") : configured.Trim();

    /// <summary>Unix socket paths hold at most 107 bytes.</summary>
    public const int MaxPathLength = 107;
}
