using Microsoft.Extensions.Options;
using PersonalCloud.Reconciler.Containers;
using PersonalCloud.Reconciler.Desired;
using PersonalCloud.Reconciler.Health;
using PersonalCloud.Reconciler.Hosting;
using PersonalCloud.Reconciler.Loop;
using PersonalCloud.Reconciler.Planning;
using PersonalCloud.Reconciler.Routing;
using PersonalCloud.Reconciler.Status;

namespace PersonalCloud.Reconciler.Apps;

/// <summary>One pass for one app: read desired state, observe Docker and Caddy, plan (pure), act, write status.</summary>
public sealed partial class AppReconciler(
    DesiredStateReader desiredState,
    IContainerRuntime runtime,
    RouteTable routes,
    HttpProbe probe,
    StatusWriter status,
    TimeProvider time,
    IOptions<ReconcilerOptions> options,
    ILogger<AppReconciler> logger)
{
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(10);

    public async Task<ReconcileResult> ReconcileAsync(Guid appId, CancellationToken ct)
    {
        var desired = await desiredState.ReadAsync(appId, ct);

        ContainerSpec? spec = null;
        string? imageError = null;
        if (desired?.Release is { Status: not Contracts.Apps.ReleaseStatus.Failed } release)
        {
            try
            {
                var image = await runtime.EnsureImageAsync(release.Image, ct);
                spec = ContainerSpecs.Build(desired, release, image);
            }
            catch (ImageUnavailableException e)
            {
                imageError = e.Message;
            }
        }

        var observed = await ObserveAsync(appId, spec, desired?.Health, ct);
        var plan = AppPlanner.Plan(appId, desired, spec, imageError, observed, time.GetUtcNow(), TimeSpan.FromSeconds(options.Value.HealthDeadlineSeconds));

        foreach (var action in plan.Actions)
            await ActAsync(appId, action, ct);

        if (desired is not null)
            await status.WriteAsync(appId, desired.Generation, desired.Release?.Id, plan, spec?.ImageId, spec?.Port, ct);

        if (plan.ContainerExited)
            return new ReconcileResult.Transient(plan.LastError ?? "container exited");
        return plan.RequeueAfter is { } delay ? new ReconcileResult.RequeueAfter(delay) : ReconcileResult.Done;
    }

    private async Task<ObservedApp> ObserveAsync(Guid appId, ContainerSpec? spec, HealthCheckSpec? health, CancellationToken ct)
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
        if (candidate is not null && spec is not null)
            healthy = (await probe.CheckAsync(candidate.IpAddress!, spec.Port, health?.Path ?? "/", ct)).Healthy;

        return new ObservedApp(containers, networks.Any(n => n.Name == networkName), route, healthy);
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
                LogStarted(logger, appId, a.Spec.ReleaseId, id);
                break;
            case RouteTraffic a:
                await routes.ApplyAsync(appId, a.Route, ct);
                break;
            case RemoveRoute:
                await routes.ApplyAsync(appId, null, ct);
                break;
            case RemoveContainer a:
                await runtime.StopAndRemoveAsync(a.Container.Id, StopTimeout, ct);
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
