using PersonalCloud.Contracts.Apps;
using PersonalCloud.Reconciler.Builds;
using PersonalCloud.Reconciler.Containers;
using PersonalCloud.Reconciler.Desired;
using PersonalCloud.Reconciler.Events;
using PersonalCloud.Reconciler.Health;
using PersonalCloud.Reconciler.Loop;
using PersonalCloud.Reconciler.Planning;
using PersonalCloud.Reconciler.Routing;
using PersonalCloud.Reconciler.Status;

namespace PersonalCloud.Reconciler.Apps;

/// <summary>One pass for one app: read desired state, observe Docker and the routing table, plan (pure), act, write status.</summary>
public sealed partial class AppReconciler(
    DesiredStateReader desiredState,
    IReleaseImages images,
    IContainerRuntime runtime,
    RouteTable routes,
    HttpProbe probe,
    HealthStreaks streaks,
    Logs.LogShipper logs,
    StatusWriter status,
    EventJournal journal,
    ContainerLifecycle lifecycle,
    TimeProvider time,
    ILogger<AppReconciler> logger)
{
    public async Task<ReconcileResult> ReconcileAsync(Guid appId, CancellationToken ct)
    {
        var desired = await desiredState.ReadAsync(appId, ct);
        using var scope = logger.BeginScope(new Dictionary<string, object?>
        {
            ["AppId"] = appId, ["ReleaseId"] = desired?.Release?.Id, ["Generation"] = desired?.Generation,
        });

        ContainerSpec? spec = null;
        string? imageError = null;
        if (desired?.Release is { Status: not ReleaseStatus.Failed } release)
        {
            try
            {
                spec = ContainerSpecs.Build(desired, release, await images.ResolveAsync(appId, release, ct));
            }
            catch (ImageUnavailableException e)
            {
                imageError = e.Message;
            }
        }

        var observed = await ObserveAsync(appId, spec, desired?.Release, ct);
        var plan = AppPlanner.Plan(new PlanInput(appId, desired, spec, imageError, observed, time.GetUtcNow()));

        foreach (var action in plan.Actions)
            await ActJournaledAsync(appId, desired, action, ct);

        if (desired is not null)
        {
            await status.WriteAsync(desired, plan, spec, ct);
            await JournalOutcomeAsync(desired, plan, ct);
        }

        return plan.RequeueAfter is { } delay ? new ReconcileResult.RequeueAfter(delay) : ReconcileResult.Done;
    }

    private async Task<ObservedApp> ObserveAsync(Guid appId, ContainerSpec? spec, DesiredRelease? release, CancellationToken ct)
    {
        var containers = await runtime.ListManagedAsync(appId, ct);
        var networks = await runtime.ListManagedNetworksAsync(ct);
        var networkName = ContainerSpecs.NetworkName(appId);
        var route = await routes.GetAsync(appId, ct);

        var healthy = false;
        var candidate = spec is null ? null : containers
            .Where(c => c.SpecHash == spec.SpecHash && c.State == ContainerState.Running && c.IpAddress is not null)
            .OrderByDescending(c => c.CreatedAt)
            .FirstOrDefault();
        if (candidate is not null && spec is not null && release is not null)
        {
            // Once traffic reaches it, the rollout gate is behind it: the health monitor watches from then on.
            var routed = route?.Route.Upstreams.Contains($"{candidate.IpAddress}:{spec.Port}") == true;
            healthy = routed || streaks.Record(candidate.Id, (await probe.CheckAsync(candidate.IpAddress!, spec.Port, release.Health.Path, release.Health.Timeout, ct)).Healthy)
                >= release.Health.HealthyThreshold;
            if (healthy && !routed)
                await lifecycle.HealthyAsync(candidate.Id, ct);
        }

        await lifecycle.ObservedAsync(containers, ct);

        return new ObservedApp(containers, networks.Any(n => n.Name == networkName), route, healthy);
    }

    /// <summary>Acts, and writes what was done, why, how it went and how long it took to the app's journal.</summary>
    private async Task ActJournaledAsync(Guid appId, DesiredApp? desired, ReconcileAction action, CancellationToken ct)
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

    /// <summary>Decisions that are not actions on the engine (a release failing, a crash counted) belong in the journal too.</summary>
    private async Task JournalOutcomeAsync(DesiredApp desired, ReconcilePlan plan, CancellationToken ct)
    {
        if (plan.FailRelease is { } reason)
            await journal.RecordAsync(new AppEvent(desired.Id, desired.Release?.Id, desired.Generation, "FailRelease", reason, EventJournal.Succeeded, null, TimeSpan.Zero), ct);
        if (plan.Crash is { Count: > 0 } crash)
        {
            await journal.RecordAsync(new AppEvent(desired.Id, desired.Release?.Id, desired.Generation, "BackOffAfterCrash",
                $"crash {crash.Count} (exit code {crash.LastExitCode?.ToString() ?? "none"}): next start at {crash.RestartNotBefore:O}", EventJournal.Succeeded, null, TimeSpan.Zero), ct);
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
                var id = await runtime.CreateAndStartAsync(a.Spec, ct);
                await lifecycle.StartedAsync(a.Spec, id, ct);
                LogStarted(logger, appId, a.Spec.ReleaseId, id);
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
                break;
            case RemoveNetwork a:
                await runtime.RemoveNetworkAsync(a.NetworkName, ct);
                break;
            default:
                throw new InvalidOperationException($"No handler for {action.GetType().Name}.");
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "App {AppId}: {Action} because {Reason}")]
    private static partial void LogAction(ILogger logger, Guid appId, string action, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "App {AppId}: release {ReleaseId} started in container {ContainerId}")]
    private static partial void LogStarted(ILogger logger, Guid appId, Guid releaseId, string containerId);
}
