using Microsoft.Extensions.Options;
using Npgsql;
using PersonalCloud.Contracts.Hosting;
using PersonalCloud.Contracts.Secrets;
using PersonalCloud.Reconciler.Addons;
using PersonalCloud.Reconciler.Apps;
using PersonalCloud.Reconciler.Backups;
using PersonalCloud.Reconciler.Containers;
using PersonalCloud.Reconciler.Desired;
using PersonalCloud.Reconciler.Health;
using PersonalCloud.Reconciler.Jobs;
using PersonalCloud.Reconciler.Logs;
using PersonalCloud.Reconciler.Loop;
using PersonalCloud.Reconciler.Routing;
using PersonalCloud.Reconciler.Status;
using PersonalCloud.Reconciler.Triggers;

namespace PersonalCloud.Reconciler.Hosting;

public static class ReconcilerServices
{
    public static IServiceCollection AddReconciler(this IServiceCollection services, IConfiguration configuration)
    {
        Dapper.DefaultTypeMap.MatchNamesWithUnderscores = true;

        services.AddOptions<ReconcilerOptions>().Bind(configuration).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(sp => new NpgsqlDataSourceBuilder(
            DatabaseConnectionString.Normalize(sp.GetRequiredService<IOptions<ReconcilerOptions>>().Value.DatabaseUrl)).Build());
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<ReconcilerOptions>>().Value;
            return new SecretBox(MasterKeyStartup.Load(sp.GetRequiredService<NpgsqlDataSource>(), options.MasterKey, options.MasterKeyFile, sp.GetRequiredService<TimeProvider>()));
        });

        services.AddSingleton(sp => new DockerContainerRuntime(
            sp.GetRequiredService<ILogger<DockerContainerRuntime>>(), sp.GetRequiredService<IOptions<ReconcilerOptions>>().Value.Instance));
        services.AddSingleton<IContainerRuntime>(sp => sp.GetRequiredService<DockerContainerRuntime>());
        services.AddSingleton<Volumes.IVolumeRuntime>(sp => sp.GetRequiredService<DockerContainerRuntime>());
        services.AddOptions<Volumes.VolumeOptions>().Bind(configuration).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<Volumes.VolumeStatusStore>();
        services.AddSingleton<Volumes.VolumePreparer>();
        // Removal waits for the final backup: until backups are wired in, no orphaned volume is ever removed.
        services.AddSingleton<Volumes.IVolumeRemovalGate, Backups.FinalBackupGate>();
        services.AddHostedService<Volumes.VolumeMonitor>();
        services.AddSingleton<ICaddyAdmin>(sp => new CaddyAdminClient(sp.GetRequiredService<IOptions<ReconcilerOptions>>().Value.CaddyAdminEndpoint));
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<ReconcilerOptions>>().Value.ProxySettings());
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<ReconcilerOptions>>().Value;
            return Contracts.Routing.RouteAnswerSettings.Create(options.FallbackPort, options.DashboardHost);
        });
        services.AddSingleton<RouteTable>();
        services.AddSingleton<ICaddyConfigRecord, CaddyConfigRecord>();
        services.AddSingleton<ProxyConfigurator>();
        services.AddSingleton<HttpProbe>();
        services.AddSingleton<HealthStreaks>();
        services.AddSingleton<HealthGate>();
        services.AddSingleton<LivenessProbe>();
        services.AddSingleton<ReplicaReadiness>();
        services.AddSingleton<Builds.BuildStore>();
        services.AddSingleton<Builds.GitCheckout>();
        services.AddOptions<Builds.BuildOptions>().Bind(configuration).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(sp => Builds.BuildSandbox.From(
            sp.GetRequiredService<IOptions<Builds.BuildOptions>>().Value, sp.GetRequiredService<IOptions<ReconcilerOptions>>().Value.Instance));
        services.AddSingleton(sp => new Builds.BuildHost(sp.GetRequiredService<Builds.BuildSandbox>(),
            sp.GetRequiredService<IOptions<Builds.BuildOptions>>().Value, sp.GetRequiredService<ILogger<Builds.BuildHost>>()));
        services.AddSingleton<Builds.BuildLogPublisher>();
        services.AddSingleton<Builds.SourceBuilder>();
        services.AddSingleton<Builds.BuildQueue>();
        services.AddSingleton<Builds.BuildImageCollector>();
        services.AddSingleton<Builds.IReleaseImages, Builds.ReleaseImages>();
        services.AddSingleton<DesiredStateReader>();
        services.AddSingleton<StatusWriter>();
        services.AddSingleton<RetryStatus>();
        services.AddSingleton<ContainerLifecycle>();
        services.AddSingleton<ReleaseStageWriter>();
        services.AddSingleton<Events.EventJournal>();
        services.AddSingleton<LogSink>();
        services.AddSingleton(LogBufferLimits.Default);
        services.AddSingleton<LogMaskReader>();
        services.AddSingleton<LogFollower>();
        services.AddSingleton<LogShipper>();
        services.AddSingleton<LogRetention>();
        services.AddSingleton<LogSearchIndex>();
        services.AddSingleton<ReleaseSpecs>();
        services.AddSingleton<AppActions>();
        services.AddSingleton<AppReconciler>();
        services.AddSingleton<WorkQueue>();

        services.AddSingleton<PeriodicResync>();
        services.AddHostedService(sp => sp.GetRequiredService<PeriodicResync>());
        services.AddHostedService<DesiredStateListener>();
        services.AddSingleton<DyingContainers>();
        services.AddSingleton<DeadUpstreams>();
        services.AddHostedService<ContainerEventsWatcher>();
        services.AddHostedService<RoutingSync>();
        services.AddSingleton<RouteDnsProbe>();
        services.AddSingleton<RouteSwitchCheck>();
        services.AddSingleton<Heartbeats.HeartbeatStore>();
        services.AddSingleton<Heartbeats.IComponentCheck, Heartbeats.ReconcilerCheck>();
        services.AddSingleton<Heartbeats.IComponentCheck, Heartbeats.CaddyCheck>();
        services.AddHostedService<Heartbeats.HeartbeatWriter>();
        services.AddHostedService<Capacity.HostCapacityPublisher>();
        // Before the reconcile workers: the build workers are listening before the first pass asks for a build.
        services.AddHostedService(sp => sp.GetRequiredService<Builds.BuildQueue>());
        services.AddHostedService(sp => sp.GetRequiredService<Builds.BuildImageCollector>());
        services.AddHostedService<ReconcileWorker>();
        services.AddHostedService<HealthMonitor>();
        services.AddHostedService<WorkerLivenessMonitor>();
        services.AddHostedService<LogCollector>();
        services.AddHostedService<LogSearchIndexer>();
        services.AddJobs(configuration);
        services.AddAddons(configuration);
        services.AddBackups(configuration);
        return services;
    }

    /// <summary>The platform's console (<see cref="PlatformConsole"/>): one timestamped line per entry, or JSON with PCLOUD_LOG_FORMAT=json.</summary>
    public static ILoggingBuilder AddReconcilerConsole(this ILoggingBuilder logging, IConfiguration configuration) =>
        logging.AddPlatformConsole(configuration);
}
