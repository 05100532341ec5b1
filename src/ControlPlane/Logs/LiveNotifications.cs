using Npgsql;
using PersonalCloud.Contracts.Notifications;

namespace PersonalCloud.ControlPlane.Logs;

/// <summary>
/// One shared LISTEN connection for the whole process, fanned out to the live streams: an app's log
/// (<see cref="NotificationChannels.LogsAppended"/>, keyed by app id) and a release's progress
/// (<see cref="NotificationChannels.ReleaseProgress"/>, keyed by release id). A notification only says "look again";
/// a stream also polls, so a lost one costs at most a poll interval. After a reconnect every stream is woken.
/// </summary>
public sealed partial class LiveNotifications(NpgsqlDataSource db, ILogger<LiveNotifications> logger) : BackgroundService
{
    private static readonly string[] Channels = [NotificationChannels.LogsAppended, NotificationChannels.ReleaseProgress, NotificationChannels.RunProgress];
    private readonly Dictionary<(string Channel, Guid Key), List<LiveSubscription>> _subscribers = [];
    private readonly Lock _lock = new();

    /// <summary>Wakes the returned subscription whenever lines are stored for <paramref name="appId"/>; dispose to stop.</summary>
    public LiveSubscription Subscribe(Guid appId) => Subscribe(NotificationChannels.LogsAppended, appId);

    /// <summary>Wakes the returned subscription whenever <paramref name="releaseId"/> reaches a stage, changes status or prints build output.</summary>
    public LiveSubscription SubscribeRelease(Guid releaseId) => Subscribe(NotificationChannels.ReleaseProgress, releaseId);

    /// <summary>Wakes the returned subscription when lines are stored for <paramref name="appId"/> or when <paramref name="runId"/> starts or ends.</summary>
    public LiveSubscription SubscribeRun(Guid appId, Guid runId) =>
        Subscribe(NotificationChannels.LogsAppended, appId, (NotificationChannels.RunProgress, runId));

    private LiveSubscription Subscribe(string channel, Guid key, params (string Channel, Guid Key)[] more)
    {
        var subscription = new LiveSubscription(this, channel, key, more);
        lock (_lock)
        {
            foreach (var wanted in subscription.Keys)
            {
                if (!_subscribers.TryGetValue(wanted, out var list))
                    _subscribers[wanted] = list = [];
                list.Add(subscription);
            }
        }

        return subscription;
    }

    public int SubscriberCount
    {
        get
        {
            lock (_lock)
                return _subscribers.Values.SelectMany(l => l).Distinct().Count();
        }
    }

    internal void Unsubscribe(LiveSubscription subscription)
    {
        lock (_lock)
        {
            foreach (var key in subscription.Keys)
            {
                if (_subscribers.TryGetValue(key, out var list) && list.Remove(subscription) && list.Count == 0)
                    _subscribers.Remove(key);
            }
        }
    }

    private void Wake(string channel, Guid key)
    {
        lock (_lock)
        {
            if (_subscribers.TryGetValue((channel, key), out var list))
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
                    if (Guid.TryParse(e.Payload, out var key))
                        Wake(e.Channel, key);
                };
                await using (var listen = new NpgsqlCommand(string.Concat(Channels.Select(c => $"LISTEN {c};")), connection))
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                if (failures > 0)
                    WakeAll();
                failures = 0;
                LogListening(logger, string.Join(", ", Channels));
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Listening on {Channels} for live streams")]
    private static partial void LogListening(ILogger logger, string channels);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lost the LISTEN connection for live streams; streams fall back to polling; reconnecting in {Delay}")]
    private static partial void LogLost(ILogger logger, Exception exception, TimeSpan delay);
}

/// <summary>A live stream's wake-up signal: signals collapse into one until the stream waits again.</summary>
public sealed class LiveSubscription(LiveNotifications owner, string channel, Guid key, params (string Channel, Guid Key)[] more) : IDisposable
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    public string Channel { get; } = channel;

    /// <summary>Every (channel, key) that wakes it: the first, and any more (a run's output wakes on its app's lines and its own progress).</summary>
    public IReadOnlyList<(string Channel, Guid Key)> Keys { get; } = [(channel, key), .. more];

    /// <summary>The app id (logs) or release id (progress) this subscription is woken for.</summary>
    public Guid Key { get; } = key;

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
