using Npgsql;
using PersonalCloud.Contracts.Notifications;
using PersonalCloud.Reconciler.Loop;

namespace PersonalCloud.Reconciler.Triggers;

/// <summary>LISTENs for desired-state changes. After a reconnect it asks for a full resync, since notifications sent meanwhile are lost.</summary>
public sealed class DesiredStateListener(NpgsqlDataSource db, WorkQueue queue, PeriodicResync resync, ILogger<DesiredStateListener> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        NotificationListener.RunAsync(db, NotificationChannels.DesiredStateChanged,
            payload =>
            {
                if (Guid.TryParse(payload, out var appId))
                    queue.Add(appId);
            },
            reconnected =>
            {
                if (reconnected)
                    resync.RequestNow();
            },
            logger, stoppingToken);
}
