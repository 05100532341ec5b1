using System.Collections.Concurrent;
using Npgsql;
using PersonalCloud.Reconciler.Containers;

namespace PersonalCloud.Reconciler.Logs;

/// <summary>
/// At most one <see cref="LogFollower"/> run per container. Followers run while a container runs; a container about to be
/// removed is caught up first, so even one that lived for milliseconds leaves its output behind. A failed run is retried
/// from the container's cursor after a pause, so nothing is lost or stored twice.
/// </summary>
public sealed partial class LogShipper(LogFollower follower, TimeProvider time, ILogger<LogShipper> logger)
{
    private static readonly TimeSpan CatchUpWait = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan RetryAfterFailure = TimeSpan.FromSeconds(5);
    private readonly ConcurrentDictionary<string, Task> _runs = new();
    private readonly ConcurrentDictionary<string, DateTimeOffset> _retryNotBefore = new();

    public bool IsFollowing(string containerId) => _runs.ContainsKey(containerId);

    /// <summary>Starts following a running container unless already doing so (or pausing after a failure).</summary>
    public void Follow(ObservedContainer container, CancellationToken stoppingToken)
    {
        if (_retryNotBefore.TryGetValue(container.Id, out var notBefore) && time.GetUtcNow() < notBefore)
            return;
        Start(container, follow: true, stoppingToken);
    }

    /// <summary>Stores what a stopped container wrote and no follower stored: waits for a live follower, else reads the rest.</summary>
    public async Task CatchUpAsync(ObservedContainer container, CancellationToken ct)
    {
        var run = _runs.TryGetValue(container.Id, out var live) ? live : Start(container, follow: false, ct);
        await run.WaitAsync(CatchUpWait, ct).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    /// <summary>Forgets failure pauses of containers that no longer exist.</summary>
    public void Forget(IReadOnlySet<string> existingContainerIds)
    {
        foreach (var id in _retryNotBefore.Keys)
        {
            if (!existingContainerIds.Contains(id))
                _retryNotBefore.TryRemove(id, out _);
        }
    }

    private Task Start(ObservedContainer container, bool follow, CancellationToken ct)
    {
        lock (_runs)
        {
            if (_runs.TryGetValue(container.Id, out var existing))
                return existing;
            var run = RunAsync(container, follow, ct);
            _runs[container.Id] = run;
            _ = run.ContinueWith(_ => _runs.TryRemove(new KeyValuePair<string, Task>(container.Id, run)), TaskScheduler.Default);
            return run;
        }
    }

    private async Task RunAsync(ObservedContainer container, bool follow, CancellationToken ct)
    {
        await Task.Yield();
        try
        {
            await follower.RunAsync(container, follow, ct);
            _retryNotBefore.TryRemove(container.Id, out _);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ForeignKeyViolation)
        {
            // The app was deleted while its container still ran: its lines have nowhere to go.
            _retryNotBefore[container.Id] = time.GetUtcNow() + RetryAfterFailure;
            LogAppGone(logger, container.AppId, container.Id);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            _retryNotBefore[container.Id] = time.GetUtcNow() + RetryAfterFailure;
            LogShipFailed(logger, e, container.AppId, container.Id);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "App {AppId}: shipping logs of container {ContainerId} failed; retrying from its cursor")]
    private static partial void LogShipFailed(ILogger logger, Exception exception, Guid appId, string containerId);

    [LoggerMessage(Level = LogLevel.Information, Message = "App {AppId} is gone: not storing logs of container {ContainerId}")]
    private static partial void LogAppGone(ILogger logger, Guid appId, string containerId);
}
