using Npgsql;
using PersonalCloud.Contracts.Notifications;
using PersonalCloud.Reconciler.Loop;

namespace PersonalCloud.Reconciler.Jobs;

/// <summary>LISTENs for changed jobs and new run requests and wakes the scheduler; it polls anyway, so a lost notification costs a second.</summary>
public sealed class JobsChangedListener(NpgsqlDataSource db, JobScheduler scheduler, ILogger<JobsChangedListener> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        NotificationListener.RunAsync(db, NotificationChannels.JobsChanged, _ => scheduler.Wake(), _ => scheduler.Wake(), logger, stoppingToken);
}
