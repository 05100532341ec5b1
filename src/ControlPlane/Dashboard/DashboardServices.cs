using Microsoft.AspNetCore.HttpOverrides;

namespace PersonalCloud.ControlPlane.Dashboard;

public static class DashboardServices
{
    public static IServiceCollection AddDashboard(this IServiceCollection services)
    {
        services.AddSingleton<InternalsStore>();
        // Through Caddy (dashboard.<base domain>) the scheme and client address come as X-Forwarded-*: needed for the
        // Secure cookie flag and per-client login limits. Only loopback peers are believed (the options' defaults).
        services.Configure<ForwardedHeadersOptions>(forwarded => forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto);
        return services;
    }
}
