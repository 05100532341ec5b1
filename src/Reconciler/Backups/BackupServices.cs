using Microsoft.Extensions.Options;
using Npgsql;
using PersonalCloud.Contracts.Notifications;
using PersonalCloud.Reconciler.Containers;
using PersonalCloud.Reconciler.Hosting;
using PersonalCloud.Reconciler.Loop;
using Polly;
using Polly.Retry;

namespace PersonalCloud.Reconciler.Backups;

public static class BackupServices
{
    /// <summary>Volume backups and restores: their own loop beside the app reconcile workers.</summary>
    public static IServiceCollection AddBackups(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<BackupOptions>().Bind(configuration).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(sp =>
        {
            var (backup, reconciler) = (sp.GetRequiredService<IOptions<BackupOptions>>().Value, sp.GetRequiredService<IOptions<ReconcilerOptions>>().Value);
            return BackupKey.Load(backup.Key, backup.KeyFileFor(reconciler.DataDir));
        });
        services.AddSingleton<IBackupStore>(sp => new LocalBackupStore(
            sp.GetRequiredService<IOptions<BackupOptions>>().Value.DirectoryFor(sp.GetRequiredService<IOptions<ReconcilerOptions>>().Value.DataDir)));
        services.AddSingleton<IVolumeArchives>(sp => new DockerVolumeArchives(
            DockerContainerRuntime.CreateClient(DockerContainerRuntime.DefaultEndpoint), sp.GetRequiredService<IOptions<ReconcilerOptions>>().Value.Instance, EngineRetry));
        services.AddSingleton<ArchiveRestorer>();
        services.AddSingleton<BackupEngine>();
        services.AddSingleton<BackupRecords>();
        services.AddSingleton<RestoreRecords>();
        services.AddSingleton<VolumeSwitches>();
        services.AddSingleton<BackupRunner>();
        services.AddSingleton<RestoreRunner>();
        services.AddSingleton<FinalBackups>();
        services.AddSingleton<BackupRetention>();
        services.AddSingleton<BackupScheduler>();
        services.AddHostedService(sp => sp.GetRequiredService<BackupScheduler>());
        services.AddHostedService<BackupsChangedListener>();
        return services;
    }

    /// <summary>Short engine calls that are safe to repeat (inspect, create, remove): 3 attempts on a broken connection or a 5xx, then the error stands.</summary>
    public static readonly ResiliencePipeline EngineRetry = new ResiliencePipelineBuilder()
        .AddRetry(new RetryStrategyOptions
        {
            MaxRetryAttempts = 2,
            Delay = TimeSpan.FromMilliseconds(200),
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            ShouldHandle = new PredicateBuilder()
                .Handle<HttpRequestException>()
                .Handle<Docker.DotNet.DockerApiException>(e => (int)e.StatusCode >= 500),
        })
        .Build();
}

/// <summary>LISTENs for backup and restore requests and wakes the scheduler; it polls anyway, so a lost notification costs two seconds.</summary>
public sealed class BackupsChangedListener(NpgsqlDataSource db, BackupScheduler scheduler, ILogger<BackupsChangedListener> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        NotificationListener.RunAsync(db, NotificationChannels.BackupsChanged, _ => scheduler.Wake(), _ => scheduler.Wake(), logger, stoppingToken);
}
