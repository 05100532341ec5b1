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
    BuildQueue builds,
    IContainerRuntime runtime,
    RouteTable routes,
    RouteSwitchCheck routeSwitch,
    HealthGate healthGate,
    HealthStreaks streaks,
    Logs.LogShipper logs,
    StatusWriter status,
    EventJournal journal,
    ContainerLifecycle lifecycle,
    ReleaseStageWriter stages,
    DyingContainers dying,
    TimeProvider time,
    ILogger<AppReconciler> logger)
{
    private static readonly TimeSpan DyingRecheck = TimeSpan.FromMilliseconds(100);

    public async Task<ReconcileResult> ReconcileAsync(Guid appId, CancellationToken ct)
    {
        // The reads do not depend on each other: they run together, and any failure fails the pass (never "empty").
        var containers = runtime.ListManagedAsync(appId, ct);
        var networks = runtime.ListManagedNetworksAsync(ct);
        var route = routes.GetAsync(appId, ct);
        var wanted = ReadDesiredAsync(appId, ct);
        await Task.WhenAll(containers, networks, route, wanted);
        // A container the engine reported dead but still lists running (its clean-up comes first): look again shortly
        // rather than plan on it; its address already left the route (DeadUpstreams).
        if (dying.AnyStillListedRunning(await containers))
            return new ReconcileResult.RequeueAfter(DyingRecheck);
        var (desired, spec, imageError, building) = await wanted;

        using var scope = logger.BeginScope(new Dictionary<string, object?>
        {
            ["AppId"] = appId, ["ReleaseId"] = desired?.Release?.Id, ["Generation"] = desired?.Generation,
        });

        var observed = await ObserveAsync(await containers, await networks, await route, appId, spec, desired?.Release, ct);
        var plan = AppPlanner.Plan(new PlanInput(appId, desired, spec, imageError, observed, time.GetUtcNow()));
        // Waiting for a build: whatever serves keeps serving, and the generation is not converged until the build ends.
        if (building)
            plan = plan with { Phase = AppPhase.Deploying };

        // The route the responder must serve before a running container drains: the plan's new one, else the stored one.
        var servedRoute = plan.Actions.Any(a => a is RemoveRoute) ? null
            : plan.Actions.OfType<RouteTraffic>().LastOrDefault()?.Route ?? observed.Route?.Route;
        // The desired release's stages, as the actions that begin them are taken (the writer ignores a failed or live release).
        var releaseId = desired?.Release?.Id;
        foreach (var action in plan.Actions)
        {
            if (action is RemoveContainer { Container.State: ContainerState.Running } && servedRoute is not null)
                await EnsureRouteServedAsync(appId, desired, action, servedRoute, ct);
            if (releaseId is { } before)
                await stages.ReachedAsync(before, ReleaseStagePlanner.Before(action, before, plan), ct);
            await ActJournaledAsync(appId, desired, action, ct);
            if (releaseId is { } after)
                await stages.ReachedAsync(after, ReleaseStagePlanner.After(action, after), ct);
        }

        // A container started in this pass is probed right away, while the status is written.
        var started = plan.Actions.OfType<StartContainer>().FirstOrDefault();
        var gate = started is not null && desired?.Release is { } release
            ? healthGate.WaitHealthyAsync(started.Spec.Name, started.Spec.Port, release.Health, ct)
            : Task.FromResult(false);
        await Task.WhenAll(gate, desired is null ? Task.CompletedTask : WriteStatusAsync(desired, plan, spec, ct));

        // Healthy already: the next pass (which re-reads everything and plans again) switches traffic, so run it now.
        if (await gate)
            return new ReconcileResult.RequeueAfter(TimeSpan.Zero);
        return plan.RequeueAfter is { } delay ? new ReconcileResult.RequeueAfter(delay) : ReconcileResult.Done;
    }

    private async Task<(DesiredApp? Desired, ContainerSpec? Spec, string? ImageError, bool Building)> ReadDesiredAsync(Guid appId, CancellationToken ct)
    {
        var desired = await desiredState.ReadAsync(appId, ct);
        if (desired?.Release is not { Status: not ReleaseStatus.Failed } release)
        {
            builds.Keep(appId, null);
            return (desired, null, null, false);
        }

        try
        {
            return (desired, ContainerSpecs.Build(desired, release, await images.ResolveAsync(appId, release, ct)), null, false);
        }
        catch (ImageUnavailableException e)
        {
            return (desired, null, e.Message, false);
        }
        catch (ImageBuildingException)
        {
            return (desired, null, null, true);
        }
    }

    private async Task WriteStatusAsync(DesiredApp desired, ReconcilePlan plan, ContainerSpec? spec, CancellationToken ct)
    {
        await status.WriteAsync(desired, plan, spec, ct);
        if (desired.Release is { } release)
            await stages.ReachedAsync(release.Id, ReleaseStagePlanner.AfterPass(plan, release.Id), ct);
        await JournalOutcomeAsync(desired, plan, ct);
    }

    private async Task<ObservedApp> ObserveAsync(IReadOnlyList<ObservedContainer> containers, IReadOnlyList<ObservedNetwork> networks, ObservedRoute? route,
        Guid appId, ContainerSpec? spec, DesiredRelease? release, CancellationToken ct)
    {
        // Addresses are recorded while the candidate is probed: neither waits for the other.
        var recorded = lifecycle.ObservedAsync(containers, ct);
        var healthy = CandidateHealthyAsync(containers, route, spec, release, ct);
        await Task.WhenAll(recorded, healthy);
        return new ObservedApp(containers, networks.Any(n => n.Name == ContainerSpecs.NetworkName(appId)), route, await healthy);
    }

    private async Task<bool> CandidateHealthyAsync(IReadOnlyList<ObservedContainer> containers, ObservedRoute? route,
        ContainerSpec? spec, DesiredRelease? release, CancellationToken ct)
    {
        var candidate = spec is null ? null : containers
            .Where(c => c.SpecHash == spec.SpecHash && c.State == ContainerState.Running && c.IpAddress is not null)
            .OrderByDescending(c => c.CreatedAt)
            .FirstOrDefault();
        if (candidate is null || spec is null || release is null)
            return false;

        // Once traffic reaches it, the rollout gate is behind it: the health monitor watches from then on.
        if (route?.Route.Upstreams.Contains($"{candidate.IpAddress}:{spec.Port}") == true)
            return true;
        if (!await healthGate.WaitHealthyAsync(candidate, spec.Port, release.Health, ct))
            return false;
        await lifecycle.HealthyAsync(candidate.Id, ct);
        return true;
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

    /// <summary>A drain waits until the route DNS responder serves the switch; the wait is journaled with its reason.</summary>
    private async Task EnsureRouteServedAsync(Guid appId, DesiredApp? desired, ReconcileAction action, AppRoute route, CancellationToken ct)
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

    /// <summary>
    /// Decisions that are not actions on the engine belong in the journal too, as what they are: a release failing and a
    /// container crashing are failures (outcome "failed", the reason in words as the error).
    /// </summary>
    private async Task JournalOutcomeAsync(DesiredApp desired, ReconcilePlan plan, CancellationToken ct)
    {
        if (plan.FailRelease is { } reason)
        {
            await journal.RecordAsync(new AppEvent(desired.Id, desired.Release?.Id, desired.Generation, "FailRelease",
                $"the release failed at the {plan.FailedStage ?? Contracts.Apps.ReleaseStages.Starting} stage and will not go live", EventJournal.Failed, reason, TimeSpan.Zero), ct);
        }

        if (plan.Crash is { Count: > 0 } crash)
        {
            var why = crash.Reason ?? $"container exited with code {crash.LastExitCode?.ToString() ?? "unknown"}";
            await journal.RecordAsync(new AppEvent(desired.Id, desired.Release?.Id, desired.Generation, "BackOffAfterCrash",
                $"crash {crash.Count}: next start at {crash.RestartNotBefore:O}", EventJournal.Failed, why, TimeSpan.Zero), ct);
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
                try
                {
                    id = await runtime.CreateAndStartAsync(a.Spec, ct);
                }
                catch (ContainerRejectedException e)
                {
                    // Refused now, refused every time: the release fails (the next pass plans from there), this pass reports it.
                    await status.FailReleaseAsync(appId, a.Spec.ReleaseId, e.Message, Contracts.Apps.ReleaseStages.Starting, ct);
                    throw;
                }

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
