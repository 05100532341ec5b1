namespace PersonalCloud.Contracts.Health;

/// <summary>
/// The platform's processes /healthz reports on, and the heartbeat rules their rows in <c>platform_components</c>
/// follow: each process writes its own row (the reconciler also Caddy's), the ControlPlane only reads them.
/// </summary>
public static class PlatformComponents
{
    public const string Postgres = "postgres";
    public const string ControlPlane = "controlplane";
    public const string Reconciler = "reconciler";
    public const string RouteDns = "route-dns";
    public const string Caddy = "caddy";

    /// <summary>Every component /healthz names, in the order it lists them.</summary>
    public static readonly IReadOnlyList<string> All = [Postgres, ControlPlane, RouteDns, Reconciler, Caddy];

    /// <summary>How often a process writes its heartbeat.</summary>
    public static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(2);

    /// <summary>A heartbeat older than this means the process is gone or stuck (three missed beats).</summary>
    public static readonly TimeSpan HeartbeatStaleAfter = TimeSpan.FromSeconds(6);
}
