using PersonalCloud.Reconciler.Containers;
using PersonalCloud.Reconciler.Events;
using PersonalCloud.Reconciler.Planning;
using PersonalCloud.Reconciler.Status;

namespace PersonalCloud.Reconciler.Routing;

/// <summary>
/// When the engine reports a container's death, its address leaves the app's route at once, before any reconcile pass
/// (which may wait for a free worker): Caddy answers 503 from its fallback, or the next healthy container serves,
/// instead of dialling a dead address for seconds into a 502. When nothing serves any more, the app's status says so at
/// once too. The pass the same event queues then counts the crash and restarts or replaces the container.
/// </summary>
public sealed class DeadUpstreams(RouteTable routes, StatusWriter status, EventJournal journal, TimeProvider time)
{
    public const string Action = "DropDeadUpstream";

    public async Task DropAsync(ContainerEvent died, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(died);
        var started = time.GetTimestamp();
        var result = await routes.DropContainerAsync(died.AppId, died.ContainerId, ct);
        if (result.Dropped.Count == 0)
            return;

        var shortId = died.ContainerId[..Math.Min(12, died.ContainerId.Length)];
        var how = ExitReasons.Exited(died.ExitCode);
        if (result.Remaining == 0)
            await status.ServingContainerDiedAsync(died.AppId, died.ExitCode, $"{how}: its hostnames answer 503 until it is restarted", ct);
        var reason = $"container {shortId} died ({how}): {string.Join(", ", result.Dropped)} left the route at once";
        await journal.RecordAsync(new AppEvent(died.AppId, null, null, Action, reason, EventJournal.Succeeded, null, time.GetElapsedTime(started)), ct);
    }
}
