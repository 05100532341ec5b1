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
public sealed class AppReconciler(
    ReleaseSpecs specs,
    BuildImageCollector buildImages,
    IContainerRuntime runtime,
    RouteTable routes,
    ReplicaReadiness readiness,
    HealthGate healthGate,
    AppActions actions,
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
        var wanted = specs.ReadAsync(appId, ct);
        await Task.WhenAll(containers, networks, route, wanted);
        // A container the engine reported dead but still lists running (its clean-up comes first): look again shortly
        // rather than plan on it; its address already left the route (DeadUpstreams).
        if (dying.AnyStillListedRunning(await containers))
            return new ReconcileResult.RequeueAfter(DyingRecheck);
        var read = await wanted;
        var desired = read.Desired;

        using var scope = logger.BeginScope(new Dictionary<string, object?>
        {
            ["AppId"] = appId, ["ReleaseId"] = desired?.Release?.Id, ["Generation"] = desired?.Generation,
        });

        var observed = await ObserveAsync(await containers, await networks, await route, appId, read, ct);
        var plan = AppPlanner.Plan(new PlanInput(appId, desired, read.Processes, read.ImageError, observed, time.GetUtcNow(), read.ReleaseCommand, read.Fallback));
        // Waiting for a build: whatever serves keeps serving, and the generation is not converged until the build ends.
        if (read.Building)
            plan = plan with { Phase = AppPhase.Deploying };

        // The route the responder must serve before a running container drains: the plan's new one, else the stored one.
        var servedRoute = plan.Actions.Any(a => a is RemoveRoute) ? null
            : plan.Actions.OfType<RouteTraffic>().LastOrDefault()?.Route ?? observed.Route?.Route;
        // The desired release's stages, as the actions that begin them are taken (the writer ignores a failed or live release).
        var releaseId = desired?.Release?.Id;
        foreach (var action in plan.Actions)
        {
            if (action is RemoveContainer { Container.State: ContainerState.Running, WaitForRoute: true } && servedRoute is not null)
                await actions.EnsureRouteServedAsync(appId, desired, action, servedRoute, ct);
            if (releaseId is { } before)
                await stages.ReachedAsync(before, ReleaseStagePlanner.Before(action, before, plan), ct);
            await actions.ActJournaledAsync(appId, desired, action, ct);
            if (releaseId is { } after)
                await stages.ReachedAsync(after, ReleaseStagePlanner.After(action, after), ct);
        }

        // A deleted app's containers are gone now: its build images can go too.
        if (plan.Phase == AppPhase.Deleted)
            buildImages.RequestNow();

        // Web replicas started in this pass are probed right away, while the status is written.
        var release = read.Fallback?.Release ?? desired?.Release;
        var started = plan.Actions.OfType<StartContainer>().Where(s => s.Spec.ExposesPort).ToList();
        var gate = started.Count > 0 && release is not null
            ? Task.WhenAll(started.Select(s => healthGate.WaitHealthyAsync(s.Spec.Name, s.Spec.Port, release.Health, ct)))
            : Task.FromResult(Array.Empty<bool>());
        await Task.WhenAll(gate, desired is null ? Task.CompletedTask : WriteStatusAsync(desired, plan, read, ct));

        // Healthy already: the next pass (which re-reads everything and plans again) switches traffic, so run it now.
        if ((await gate) is { Length: > 0 } passed && passed.All(p => p))
            return new ReconcileResult.RequeueAfter(TimeSpan.Zero);
        return plan.RequeueAfter is { } delay ? new ReconcileResult.RequeueAfter(delay) : ReconcileResult.Done;
    }

    private async Task WriteStatusAsync(DesiredApp desired, ReconcilePlan plan, DesiredSpecs read, CancellationToken ct)
    {
        await status.WriteAsync(desired, plan, read.Processes, read.Procfile, ct);
        if (desired.Release is { } release)
            await stages.ReachedAsync(release.Id, ReleaseStagePlanner.AfterPass(plan, release.Id), ct);
        await JournalOutcomeAsync(desired, plan, ct);
    }

    private async Task<ObservedApp> ObserveAsync(IReadOnlyList<ObservedContainer> containers, IReadOnlyList<ObservedNetwork> networks, ObservedRoute? route,
        Guid appId, DesiredSpecs read, CancellationToken ct)
    {
        // Addresses are recorded while the candidates are probed: neither waits for the other.
        var recorded = lifecycle.ObservedAsync(containers, ct);
        var processes = read.Processes ?? read.Fallback?.Processes;
        var release = read.Processes is not null ? read.Desired?.Release : read.Fallback?.Release;
        var ready = readiness.ReadyAsync(containers.Where(c => c.IsProcess).ToList(), route, processes, release, ct);
        await Task.WhenAll(recorded, ready);
        return ObservedApp.From(containers, networks.Any(n => n.Name == ContainerSpecs.NetworkName(appId)), route, await ready);
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

        foreach (var replica in plan.Replicas ?? [])
        {
            if (replica.Crash is not { Count: > 0 } crash)
                continue;
            var why = crash.Reason ?? $"container exited with code {crash.LastExitCode?.ToString() ?? "unknown"}";
            var which = plan.Replicas!.Count == 1 ? "" : $"process {replica.Process}, replica {replica.Index}: ";
            await journal.RecordAsync(new AppEvent(desired.Id, desired.Release?.Id, desired.Generation, "BackOffAfterCrash",
                $"{which}crash {crash.Count}: next start at {crash.RestartNotBefore:O}", EventJournal.Failed, why, TimeSpan.Zero), ct);
        }
    }
}
