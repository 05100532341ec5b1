using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using Npgsql;
using PersonalCloud.Contracts.Hosting;
using PersonalCloud.Contracts.Secrets;
using PersonalCloud.ControlPlane.Apps;
using PersonalCloud.ControlPlane.Audit;
using PersonalCloud.ControlPlane.Auth;
using PersonalCloud.ControlPlane.Dashboard;
using PersonalCloud.ControlPlane.Database;
using PersonalCloud.ControlPlane.Domains;
using PersonalCloud.ControlPlane.Env;
using PersonalCloud.ControlPlane.Health;
using PersonalCloud.ControlPlane.Logs;
using PersonalCloud.ControlPlane.OpenApi;
using PersonalCloud.ControlPlane.Problems;
using PersonalCloud.ControlPlane.Releases;

namespace PersonalCloud.ControlPlane.Hosting;

public static class ControlPlaneServices
{
    /// <summary>The ControlPlane's connections in pg_stat_activity.</summary>
    public const string ApplicationName = "pcloud-controlplane";

    public static IServiceCollection AddControlPlane(this IServiceCollection services, IConfiguration configuration)
    {
        Dapper.DefaultTypeMap.MatchNamesWithUnderscores = true;

        services.AddOptions<ControlPlaneOptions>().Bind(configuration).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<ControlPlaneOptions>>().Value;
            var builder = new NpgsqlDataSourceBuilder(DatabaseConnectionString.Normalize(options.DatabaseUrl));
            // Bounded, so no burst of requests takes Postgres's connections from the Reconciler and route-dns; named for pg_stat_activity.
            builder.ConnectionStringBuilder.MaxPoolSize = options.DatabasePoolSize;
            builder.ConnectionStringBuilder.ApplicationName = ApplicationName;
            return builder.Build();
        });
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<ControlPlaneOptions>>().Value;
            return ApiToken.Load(options.ApiToken, options.ApiTokenFile);
        });
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<ControlPlaneOptions>>().Value;
            return new SecretBox(MasterKeyStartup.Load(sp.GetRequiredService<NpgsqlDataSource>(), options.MasterKey, options.MasterKeyFile, sp.GetRequiredService<TimeProvider>()));
        });

        services.AddSingleton<AppsStore>();
        services.AddSingleton<Volumes.VolumesStore>();
        services.AddSingleton<AppResponses>();
        services.AddSingleton<AppReleaseSummaries>();
        services.AddSingleton<HostCapacityStore>();
        services.AddSingleton<AppLimitsRules>();
        services.AddSingleton<AppSettingsRules>();
        services.AddSingleton<AppSettingsStore>();
        services.AddSingleton<ReleasesStore>();
        services.AddSingleton<ReleaseProgressStreamer>();
        services.AddSingleton<EnvStore>();
        services.AddSingleton<Addons.AddonsStore>();
        services.AddSingleton<Processes.ProcessesStore>();
        services.AddSingleton<Processes.ProcessRequests>();
        services.AddSingleton<DomainsStore>();
        services.AddSingleton<ServedHostnames>();
        services.AddSingleton<LogsStore>();
        services.AddSingleton<LogSettingsStore>();
        services.AddSingleton<LogStreamer>();
        services.AddSingleton<LiveNotifications>();
        services.AddHostedService(sp => sp.GetRequiredService<LiveNotifications>());
        services.AddSingleton<AuditStore>();
        services.AddSingleton<AnonymousAuditWindow>();
        services.AddHostedService<AuditMaintenance>();
        services.AddSingleton<HealthStore>();
        services.AddSingleton(sp => new SupervisorStates(Path.Combine(
            sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<ControlPlaneOptions>>().Value.DataDir, "run", "supervise")));
        services.AddSingleton<Events.EventsStore>();
        services.AddSingleton<Jobs.CronJobsStore>();
        services.AddSingleton<Jobs.JobAlerts>();
        services.AddSingleton<Runs.RunsStore>();
        services.AddSingleton<Backups.BackupsStore>();
        services.AddSingleton<Runs.RunOutputStreamer>();
        services.AddSingleton<Templates.TemplateCatalog>();
        services.AddSingleton<Templates.TemplateApplier>();

        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<ControlPlaneOptions>>().Value;
            return DashboardPassword.Load(options.DashboardPassword, options.DashboardPasswordFile);
        });
        var startOptions = configuration.Get<ControlPlaneOptions>() ?? new();
        services.AddOwnerAuthentication(startOptions.DataProtectionKeysDir);
        services.AddRateLimits(startOptions.AnonymousRequestsPerMinute);
        services.AddDashboard();
        services.AddAuthorization();
        services.AddProblemDetails(problems => problems.CustomizeProblemDetails = ProblemDetailsCustomization.Apply);
        services.AddExceptionHandler<FailureProblems>();
        // A body the endpoints cannot bind throws, so FailureProblems can say why (a duplicate key, a wrong type).
        services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.AddPlatformOpenApi();
        services.ConfigureHttpJsonOptions(json =>
        {
            json.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
            json.SerializerOptions.AllowDuplicateProperties = false;
            // Numbers are JSON numbers, in and out: the contract says integer, and "5" is not one.
            json.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
        });
        return services;
    }

    /// <summary>Applies migrations before the API serves, and loads the token, password and key so a bad setup fails at start.</summary>
    public static void MigrateDatabase(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<ControlPlaneOptions>>().Value;
        DatabaseMigrator.Migrate(DatabaseConnectionString.Normalize(options.DatabaseUrl), app.Logger);
        app.Services.GetRequiredService<ApiToken>();
        app.Services.GetRequiredService<DashboardPassword>();
        app.Services.GetRequiredService<SecretBox>();
        // Credentials a release kept in plaintext before migration 0010 (old row versions stay in the files until VACUUM).
        GitUrlSealing.SealPlaintext(app.Services.GetRequiredService<NpgsqlDataSource>(), app.Services.GetRequiredService<SecretBox>());
    }
}
