using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace PersonalCloud.ControlPlane.Logs;

/// <summary>
/// Follows an app's log as Server-Sent Events: the newest lines first (or everything after Last-Event-ID), then new
/// lines as they are stored, woken by <see cref="LiveNotifications"/> and by a poll. Each query reads at most
/// <see cref="BatchSize"/> lines and is written and flushed before the next, so a slow client slows only itself.
/// </summary>
public sealed partial class LogStreamer(
    LogsStore store,
    LiveNotifications notifications,
    TimeProvider time,
    IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json,
    IHostApplicationLifetime lifetime,
    ILogger<LogStreamer> logger)
{
    public const int BatchSize = 1000;
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan KeepAliveInterval = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan ReconnectDelay = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan SettleWindow = TimeSpan.FromSeconds(3);
    private const int MaxRemembered = 10_000;

    public async Task StreamAsync(HttpContext http, Guid appId, LogFilter filter, int tail, long? resumeAfter)
    {
        // Server shutdown ends streams too; clients reconnect with Last-Event-ID and miss nothing.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, lifetime.ApplicationStopping);
        var ct = stop.Token;
        using var subscription = notifications.Subscribe(appId);
        var response = http.Response;
        response.ContentType = ServerSentEvents.ContentType;
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        http.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        LogStarted(logger, appId, resumeAfter);
        try
        {
            // Where to start is settled before the response starts: a client that has the headers misses nothing after them.
            var (cursor, tailLines) = await StartAsync(appId, filter, tail, resumeAfter, ct);
            await response.WriteAsync(ServerSentEvents.Retry(ReconnectDelay), ct);
            await WriteLinesAsync(response, tailLines, cursor: null, ct);
            await response.Body.FlushAsync(ct);
            await FollowAsync(response, subscription, cursor, appId, filter, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The client went away or the server stops.
        }
        catch (IOException) when (http.RequestAborted.IsCancellationRequested)
        {
            // The connection broke mid-write.
        }

        LogEnded(logger, appId);
    }

    private async Task<(LiveCursor Cursor, IReadOnlyList<LogLineRow> Tail)> StartAsync(
        Guid appId, LogFilter filter, int tail, long? resumeAfter, CancellationToken ct)
    {
        if (resumeAfter is { } after)
            return (new LiveCursor(after, SettleWindow, MaxRemembered), []);

        var newest = await store.NewestIdAsync(appId, ct);
        var lines = tail > 0 ? (await store.PageAsync(appId, filter, newest + 1, tail, ct)).Lines : [];
        return (new LiveCursor(newest, SettleWindow, MaxRemembered), lines);
    }

    private async Task FollowAsync(HttpResponse response, LiveSubscription subscription, LiveCursor cursor, Guid appId, LogFilter filter, CancellationToken ct)
    {
        var lastWrite = time.GetUtcNow();
        var lastPoll = lastWrite;
        var lastExistenceCheck = lastWrite;
        while (true)
        {
            var sent = 0;
            IReadOnlyList<LogLineRow> batch;
            do
            {
                batch = await store.AfterAsync(appId, filter, cursor.LastId, BatchSize, ct);
                sent += await WriteLinesAsync(response, batch, cursor, ct);
            }
            while (batch.Count == BatchSize);

            var now = time.GetUtcNow();
            if (now - lastPoll >= PollInterval)
            {
                lastPoll = now;
                if (cursor.LateWindow(now) is { } window)
                    sent += await WriteLinesAsync(response, await store.LateAsync(appId, filter, window.After, window.Before, window.Sent, BatchSize, ct), cursor, ct);
            }

            if (sent > 0)
            {
                lastWrite = now;
            }
            else if (now - lastExistenceCheck >= PollInterval)
            {
                lastExistenceCheck = now;
                if (!await store.AppExistsAsync(appId, ct))
                {
                    await response.WriteAsync(ServerSentEvents.Event("end", """{"reason":"app deleted"}"""), ct);
                    await response.Body.FlushAsync(ct);
                    return;
                }
            }

            if (now - lastWrite >= KeepAliveInterval)
            {
                await response.WriteAsync(ServerSentEvents.Comment("keep-alive"), ct);
                await response.Body.FlushAsync(ct);
                lastWrite = now;
            }

            var wait = TimeSpan.FromTicks(Math.Min(PollInterval.Ticks, (KeepAliveInterval - (now - lastWrite)).Ticks));
            await subscription.WaitAsync(wait > TimeSpan.Zero ? wait : TimeSpan.Zero, ct);
        }
    }

    /// <summary>Writes and flushes the lines as one chunk; with a cursor, skips lines already sent and records the rest.</summary>
    private async Task<int> WriteLinesAsync(HttpResponse response, IReadOnlyList<LogLineRow> lines, LiveCursor? cursor, CancellationToken ct)
    {
        if (lines.Count == 0)
            return 0;
        var now = time.GetUtcNow();
        var text = new StringBuilder();
        var written = 0;
        foreach (var line in lines)
        {
            if (cursor is not null)
            {
                if (cursor.WasSent(line.Id))
                    continue;
                cursor.Sent(line.Id, now);
            }

            text.Append(ServerSentEvents.Event(line.Id, "line", JsonSerializer.Serialize(line.ToResponse(), json.Value.SerializerOptions)));
            written++;
        }

        if (written > 0)
        {
            await response.WriteAsync(text.ToString(), ct);
            await response.Body.FlushAsync(ct);
        }

        return written;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Live log stream of app {AppId} started (resuming after {ResumeAfter})")]
    private static partial void LogStarted(ILogger logger, Guid appId, long? resumeAfter);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Live log stream of app {AppId} ended")]
    private static partial void LogEnded(ILogger logger, Guid appId);
}
