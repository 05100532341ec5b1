using Npgsql;
using PersonalCloud.Contracts.Notifications;

namespace PersonalCloud.ControlPlane.Logs;

/// <summary>
/// One shared LISTEN connection on <see cref="NotificationChannels.LogsAppended"/> for the whole process, fanned out
/// to the live log streams of each app. A notification only says "look again"; a stream also polls, so a lost one
/// (or a collector that does not notify) costs at most a poll interval. After a reconnect every stream is woken.
/// </summary>
public sealed partial class LogNotifications(NpgsqlDataSource db, ILogger<LogNotifications> logger) : BackgroundService
{
    private readonly Dictionary<Guid, List<LogSubscription>> _subscribers = [];
    private readonly Lock _lock = new();

    /// <summary>Wakes the returned subscription whenever lines are stored for <paramref name="appId"/>; dispose to stop.</summary>
    public LogSubscription Subscribe(Guid appId)
    {
        var subscription = new LogSubscription(this, appId);
        lock (_lock)
        {
            if (!_subscribers.TryGetValue(appId, out var list))
                _subscribers[appId] = list = [];
            list.Add(subscription);
        }

        return subscription;
    }

    public int SubscriberCount
    {
        get
        {
            lock (_lock)
                return _subscribers.Values.Sum(l => l.Count);
        }
    }

    internal void Unsubscribe(LogSubscription subscription)
    {
        lock (_lock)
        {
            if (_subscribers.TryGetValue(subscription.AppId, out var list) && list.Remove(subscription) && list.Count == 0)
                _subscribers.Remove(subscription.AppId);
        }
    }

    private void Wake(Guid appId)
    {
        lock (_lock)
        {
            if (_subscribers.TryGetValue(appId, out var list))
                list.ForEach(s => s.Signal());
        }
    }

    private void WakeAll()
    {
        lock (_lock)
        {
            foreach (var list in _subscribers.Values)
                list.ForEach(s => s.Signal());
        }
    }

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
                        Wake(appId);
                };
                await using (var listen = new NpgsqlCommand($"LISTEN {NotificationChannels.LogsAppended}", connection))
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                if (failures > 0)
                    WakeAll();
                failures = 0;
                LogListening(logger, NotificationChannels.LogsAppended);
                while (true)
                {
                    // A quiet connection is probed now and then, so a dead one is noticed and replaced.
                    if (!await connection.WaitAsync(TimeSpan.FromSeconds(30), stoppingToken))
                    {
                        await using var probe = new NpgsqlCommand("SELECT 1", connection);
                        await probe.ExecuteScalarAsync(stoppingToken);
                    }
                }
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                failures++;
                var delay = TimeSpan.FromSeconds(Math.Min(30, Math.Pow(2, Math.Min(failures, 5)) / 2));
                LogLost(logger, e, delay);
                await Task.Delay(delay, stoppingToken);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Listening on {Channel} for live log streams")]
    private static partial void LogListening(ILogger logger, string channel);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lost the LISTEN connection for live logs; streams fall back to polling; reconnecting in {Delay}")]
    private static partial void LogLost(ILogger logger, Exception exception, TimeSpan delay);
}

/// <summary>A live stream's wake-up signal: signals collapse into one until the stream waits again.</summary>
public sealed class LogSubscription(LogNotifications owner, Guid appId) : IDisposable
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    public Guid AppId { get; } = appId;

    internal void Signal()
    {
        try
        {
            if (_signal.CurrentCount == 0)
                _signal.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already signalled by a concurrent notification.
        }
        catch (ObjectDisposedException)
        {
            // The stream ended between the lookup and the signal.
        }
    }

    /// <summary>True when signalled, false when <paramref name="timeout"/> passed first.</summary>
    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken ct) => _signal.WaitAsync(timeout, ct);

    public void Dispose()
    {
        owner.Unsubscribe(this);
        _signal.Dispose();
    }
}
