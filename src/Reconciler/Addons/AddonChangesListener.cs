using Npgsql;
using PersonalCloud.Contracts.Notifications;
using PersonalCloud.Reconciler.Loop;

namespace PersonalCloud.Reconciler.Addons;

/// <summary>Wakes the add-on controller on every change of an app's desired state (adding or deleting an add-on bumps it); it polls anyway.</summary>
public sealed class AddonChangesListener(NpgsqlDataSource db, AddonController controller, ILogger<AddonChangesListener> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        NotificationListener.RunAsync(db, NotificationChannels.DesiredStateChanged, _ => controller.Wake(), _ => controller.Wake(), logger, stoppingToken);
}
