using Microsoft.Extensions.Options;
using Npgsql;
using PersonalCloud.Contracts.Notifications;
using PersonalCloud.Reconciler.Hosting;

namespace PersonalCloud.Reconciler.RouteDns;

/// <summary>
/// Keeps the route cache current: LISTENs for changes to <c>routes</c> (a trigger notifies), reloads on each, and
/// reloads every resync interval in case one was missed. While Postgres is down it serves the last good table
/// and tries again every second.
/// </summary>
public sealed partial class RouteCacheSync(
    NpgsqlDataSource db,
    RouteCache cache,
    IOptions<ReconcilerOptions> options,
    TimeProvider time,
    ILogger<RouteCacheSync> logger) : BackgroundService
{
    private static readonly TimeSpan FailedRetry = TimeSpan.FromSeconds(1);

    /// <summary>Why the last attempt to read Postgres failed; null while it answers.</summary>
    public string? LastError { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        cache.LoadSaved();
        var resync = TimeSpan.FromSeconds(options.Value.ResyncSeconds);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await FollowAsync(resync, stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                if (LastError is null)
                    LogUnavailable(logger, e);
                LastError = e.Message;
                await Task.Delay(FailedRetry, time, stoppingToken);
            }
        }
    }

    private async Task FollowAsync(TimeSpan resync, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using (var listen = new NpgsqlCommand($"LISTEN {NotificationChannels.RoutesChanged}", connection))
            await listen.ExecuteNonQueryAsync(ct);

        // Listening first: a change between this load and the first wait still arrives.
        await cache.ReloadAsync(ct);
        if (LastError is not null)
            LogRecovered(logger);
        LastError = null;
        while (!ct.IsCancellationRequested)
        {
            // A notification or the resync interval: either way the whole table is read again (level-triggered).
            await connection.WaitAsync(resync, ct);
            await cache.ReloadAsync(ct);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Postgres does not answer: serving the last good routing table and retrying every second")]
    private static partial void LogUnavailable(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Postgres answers again: routing table reloaded and followed")]
    private static partial void LogRecovered(ILogger logger);
}
