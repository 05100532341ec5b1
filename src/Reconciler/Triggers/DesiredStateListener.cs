using Npgsql;
using PersonalCloud.Contracts.Notifications;
using PersonalCloud.Reconciler.Loop;

namespace PersonalCloud.Reconciler.Triggers;

/// <summary>LISTENs for desired-state changes. After a reconnect it asks for a full resync, since notifications sent meanwhile are lost.</summary>
public sealed partial class DesiredStateListener(NpgsqlDataSource db, WorkQueue queue, PeriodicResync resync, ILogger<DesiredStateListener> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await db.OpenConnectionAsync(stoppingToken);
                connection.Notification += (_, e) =>
                {
                    if (Guid.TryParse(e.Payload, out var appId))
                        queue.Add(appId);
                };
                await using (var listen = new NpgsqlCommand($"LISTEN {NotificationChannels.DesiredStateChanged}", connection))
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                if (failures > 0)
                    resync.RequestNow();
                failures = 0;
                LogListening(logger, NotificationChannels.DesiredStateChanged);
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Listening on {Channel}")]
    private static partial void LogListening(ILogger logger, string channel);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lost the LISTEN connection; reconnecting in {Delay}")]
    private static partial void LogLost(ILogger logger, Exception exception, TimeSpan delay);
}
