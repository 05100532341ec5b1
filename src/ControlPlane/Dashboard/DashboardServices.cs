namespace PersonalCloud.ControlPlane.Dashboard;

public static class DashboardServices
{
    /// <summary>Through Caddy the client address and scheme arrive as X-Forwarded-*, believed on Caddy's socket only (Hosting/CaddySocket.cs).</summary>
    public static IServiceCollection AddDashboard(this IServiceCollection services)
    {
        services.AddSingleton<InternalsStore>();
        return services;
    }
}
