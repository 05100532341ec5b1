using PersonalCloud.Reconciler.Containers;
using PersonalCloud.Reconciler.Desired;
using PersonalCloud.Reconciler.Events;
using PersonalCloud.Reconciler.Health;
using PersonalCloud.Reconciler.Planning;
using PersonalCloud.Reconciler.Routing;
using PersonalCloud.Reconciler.Status;

namespace PersonalCloud.Reconciler.Apps;

/// <summary>Takes a plan's actions on the engine and the routing table, and writes each one, why, how it went and how long it took to the app's journal.</summary>
public sealed partial class AppActions(
    IContainerRuntime runtime,
    RouteTable routes,
    RouteSwitchCheck routeSwitch,
    HealthStreaks streaks,
    LivenessProbe liveness,
    Logs.LogShipper logs,
    StatusWriter status,
    EventJournal journal,
    ContainerLifecycle lifecycle,
    Volumes.VolumePreparer volumes,
    TimeProvider time,
    ILogger<AppActions> logger)
{
    public async Task ActJournaledAsync(Guid appId, DesiredApp? desired, ReconcileAction action, CancellationToken ct)
    {
        var started = time.GetTimestamp();
        var name = action.GetType().Name;
        try
        {
            await ActAsync(appId, action, ct);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            await journal.RecordAsync(new AppEvent(appId, desired?.Release?.Id, desired?.Generation, name, action.Reason, EventJournal.Failed, e.Message, time.GetElapsedTime(started)), ct);
            throw;
        }

        await journal.RecordAsync(new AppEvent(appId, desired?.Release?.Id, desired?.Generation, name, action.Reason, EventJournal.Succeeded, null, time.GetElapsedTime(started)), ct);
    }

    /// <summary>A drain waits until the route DNS responder serves the switch; the wait is journaled with its reason.</summary>
    public async Task EnsureRouteServedAsync(Guid appId, DesiredApp? desired, ReconcileAction action, AppRoute route, CancellationToken ct)
    {
        try
        {
            await routeSwitch.EnsureServedAsync(route, ct);
        }
        catch (RouteNotServedException e)
        {
            await journal.RecordAsync(new AppEvent(appId, desired?.Release?.Id, desired?.Generation, action.GetType().Name, action.Reason,
                EventJournal.Failed, e.Message, TimeSpan.Zero), ct);
            throw;
        }
    }

    private async Task ActAsync(Guid appId, ReconcileAction action, CancellationToken ct)
    {
        LogAction(logger, appId, action.GetType().Name, action.Reason);
        switch (action)
        {
            case EnsureNetwork a:
                await runtime.EnsureNetworkAsync(a.NetworkName, appId, ct);
                break;
            case StartContainer a:
                string id;
                // Its volumes exist, labelled, and belong to its user before it mounts them.
                await volumes.PrepareAsync(a.Spec, ct);
                try
                {
                    id = await runtime.CreateAndStartAsync(a.Spec, ct);
                }
                catch (ContainerRejectedException e)
                {
                    // Refused now, refused every time: the release fails (the next pass plans from there), this pass reports it.
                    var stage = a.Spec.Kind == Contracts.Labels.ContainerLabels.KindReleaseCommand
                        ? Contracts.Apps.ReleaseStages.ReleaseCommand
                        : Contracts.Apps.ReleaseStages.Starting;
                    await status.FailReleaseAsync(appId, a.Spec.ReleaseId, e.Message, stage, ct);
                    throw;
                }

                await lifecycle.StartedAsync(a.Spec, id, ct);
                LogStarted(logger, appId, a.Spec.ReleaseId, a.Spec.Process, a.Spec.Replica, id);
                break;
            case RouteTraffic a:
                await routes.ApplyAsync(appId, a.Route, ct);
                await lifecycle.RoutedAsync(appId, a.Route.Upstreams.Select(u => u[..u.LastIndexOf(':')]).ToList(), ct);
                break;
            case RemoveRoute:
                await routes.ApplyAsync(appId, null, ct);
                break;
            case RemoveContainer a:
                // A container that already stopped may have lived too briefly for a follower: keep its output first.
                if (a.Container.State != ContainerState.Running)
                    await logs.CatchUpAsync(a.Container, ct);
                await runtime.StopAndRemoveAsync(a.Container.Id, a.StopTimeout, ct);
                await lifecycle.RemovedAsync(a.Container, a.Reason, ct);
                streaks.Forget(a.Container.Id);
                liveness.Forget(a.Container.Id);
                break;
            case RemoveNetwork a:
                await runtime.RemoveNetworkAsync(a.NetworkName, ct);
                break;
            case RecordReleaseCommand a:
                await status.ReleaseCommandSucceededAsync(a.ReleaseId, ct);
                break;
            default:
                throw new InvalidOperationException($"No handler for {action.GetType().Name}.");
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "App {AppId}: {Action} because {Reason}")]
    private static partial void LogAction(ILogger logger, Guid appId, string action, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "App {AppId}: release {ReleaseId} started {Process} replica {Replica} in container {ContainerId}")]
    private static partial void LogStarted(ILogger logger, Guid appId, Guid releaseId, string process, int replica, string containerId);
}
