using Npgsql;
using PersonalCloud.Contracts.Notifications;
using PersonalCloud.Reconciler.Loop;

namespace PersonalCloud.Reconciler.Jobs;

/// <summary>LISTENs for changed jobs and new run requests and wakes the scheduler; it polls anyway, so a lost notification costs a second.</summary>
public sealed partial class JobsChangedListener(NpgsqlDataSource db, JobScheduler scheduler, ILogger<JobsChangedListener> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await db.OpenConnectionAsync(stoppingToken);
                connection.Notification += (_, _) => scheduler.Wake();
                await using (var listen = new NpgsqlCommand($"LISTEN {NotificationChannels.JobsChanged}", connection))
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                failures = 0;
                scheduler.Wake();
                while (true)
                    await connection.WaitAsync(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                failures++;
                var delay = RetryBackoff.Delay(failures, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), 0.5);
                LogLost(logger, e, delay);
                await Task.Delay(delay, stoppingToken);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lost the LISTEN connection for job changes; reconnecting in {Delay}")]
    private static partial void LogLost(ILogger logger, Exception exception, TimeSpan delay);
}
