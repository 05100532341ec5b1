using Microsoft.Extensions.Options;
using Npgsql;
using PersonalCloud.Contracts.Hosting;
using PersonalCloud.Reconciler.Heartbeats;
using PersonalCloud.Reconciler.Hosting;
using PersonalCloud.Reconciler.Routing;

namespace PersonalCloud.Reconciler.RouteDns;

/// <summary>
/// The <c>route-dns</c> process (<c>dotnet PersonalCloud.Reconciler.dll route-dns</c>): only the route cache, the DNS
/// responder Caddy asks and a heartbeat. No Docker, no Caddy admin, no writes but its own heartbeat and snapshot file.
/// </summary>
public static class RouteDnsServices
{
    public const string Command = "route-dns";

    public static void Run(string[] args)
    {
        var builder = Host.CreateApplicationBuilder(args);
        builder.Configuration.AddEnvironmentVariables("PCLOUD_");
        builder.Logging.AddReconcilerConsole(builder.Configuration);
        builder.Services.AddRouteDns(builder.Configuration);
        builder.Build().Run();
    }

    public static IServiceCollection AddRouteDns(this IServiceCollection services, IConfiguration configuration)
    {
        Dapper.DefaultTypeMap.MatchNamesWithUnderscores = true;

        // The same PCLOUD_* settings as the reconciler: both read one environment, so they always agree on ports.
        services.AddOptions<ReconcilerOptions>().Bind(configuration).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(sp => new NpgsqlDataSourceBuilder(
            DatabaseConnectionString.Normalize(sp.GetRequiredService<IOptions<ReconcilerOptions>>().Value.DatabaseUrl)).Build());
        // As the reconciler registers them (ReconcilerServices): the responder reads the DNS port and the fallbacks.
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<ReconcilerOptions>>().Value.ProxySettings());
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<ReconcilerOptions>>().Value;
            return Contracts.Routing.RouteAnswerSettings.Create(options.FallbackPort, options.DashboardHost);
        });
        services.AddSingleton<RouteTable>();
        services.AddSingleton(sp => new RouteSnapshotFile(
            Path.Combine(sp.GetRequiredService<IOptions<ReconcilerOptions>>().Value.DataDir, "run", "routes.json")));
        services.AddSingleton<RouteCache>();
        services.AddSingleton<IRouteSource>(sp => sp.GetRequiredService<RouteCache>());
        services.AddSingleton<RouteCacheSync>();
        services.AddSingleton<RouteDnsProbe>();
        services.AddSingleton<HeartbeatStore>();
        services.AddSingleton<IComponentCheck, RouteDnsCheck>();

        services.AddHostedService(sp => sp.GetRequiredService<RouteCacheSync>());
        services.AddHostedService<RouteDnsServer>();
        services.AddHostedService<HeartbeatWriter>();
        return services;
    }
}
