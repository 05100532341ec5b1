using Npgsql;

namespace PersonalCloud.Reconciler.Loop;

/// <summary>
/// The reconciler's one LISTEN reconnect loop: holds a connection listening on a channel, hands each notification's
/// payload on, and after a lost connection reconnects with a bounded backoff (1 s doubling to 30 s, jitter) for as long
/// as the host runs. <c>onListening(reconnected)</c> runs each time it listens (reconnected: after a failure), so a caller
/// can catch up on what was sent while it was away (notifications are not queued for an absent listener).
/// </summary>
public static partial class NotificationListener
{
    public static async Task RunAsync(
        NpgsqlDataSource db, string channel, Action<string> onNotification, Action<bool> onListening, ILogger logger, CancellationToken ct)
    {
        var failures = 0;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await using var connection = await db.OpenConnectionAsync(ct);
                connection.Notification += (_, e) => onNotification(e.Payload);
                await using (var listen = new NpgsqlCommand($"LISTEN {channel}", connection))
                    await listen.ExecuteNonQueryAsync(ct);
                var reconnected = failures > 0;
                failures = 0;
                onListening(reconnected);
                LogListening(logger, channel);
                while (true)
                    await connection.WaitAsync(ct);
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                failures++;
                var delay = RetryBackoff.Delay(failures, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), 0.5);
                LogLost(logger, e, channel, delay);
                await Task.Delay(delay, ct);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Listening on {Channel}")]
    private static partial void LogListening(ILogger logger, string channel);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lost the LISTEN connection on {Channel}; reconnecting in {Delay}")]
    private static partial void LogLost(ILogger logger, Exception exception, string channel, TimeSpan delay);
}
