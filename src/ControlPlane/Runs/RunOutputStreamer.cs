using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using PersonalCloud.Contracts.Jobs;
using PersonalCloud.ControlPlane.Logs;

namespace PersonalCloud.ControlPlane.Runs;

/// <summary>
/// Follows one run's output as Server-Sent Events: <c>status</c> (the run, as it is queued, starts, ends), <c>line</c>
/// (its container's lines as the log pipeline stores them, id = line id) and a final <c>end</c> with outcome, exit code and
/// reason. The reconciler records a run's end only after its last lines are stored, so <c>end</c> comes after every line.
/// Woken by NOTIFY (the app's lines, the run's progress) and by a poll.
/// </summary>
public sealed partial class RunOutputStreamer(
    RunsStore runs,
    LogsStore logs,
    LiveNotifications notifications,
    TimeProvider time,
    IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json,
    IHostApplicationLifetime lifetime,
    ILogger<RunOutputStreamer> logger)
{
    private static readonly TimeSpan ReconnectDelay = TimeSpan.FromSeconds(2);

    public async Task StreamAsync(HttpContext http, Guid appId, Guid runId, long? resumeAfter)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, lifetime.ApplicationStopping);
        var ct = stop.Token;
        using var subscription = notifications.SubscribeRun(appId, runId);
        var response = http.Response;
        response.ContentType = ServerSentEvents.ContentType;
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        http.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        try
        {
            await response.WriteAsync(ServerSentEvents.Retry(ReconnectDelay), ct);
            await FollowAsync(response, subscription, appId, runId, resumeAfter ?? 0, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The client went away or the server stops.
        }
        catch (IOException) when (http.RequestAborted.IsCancellationRequested)
        {
            // The connection broke mid-write.
        }

        LogEnded(logger, appId, runId);
    }

    private async Task FollowAsync(HttpResponse response, LiveSubscription subscription, Guid appId, Guid runId, long cursor, CancellationToken ct)
    {
        string? lastStatus = null;
        var lastWrite = time.GetUtcNow();
        while (true)
        {
            var run = await runs.GetAsync(appId, runId, ct);
            if (run is null)
            {
                await WriteAsync(response, ServerSentEvents.Event("end", """{"reason":"the run was deleted (with its job or app)"}"""), ct);
                return;
            }

            var text = new StringBuilder();
            if (run.Status != lastStatus)
            {
                lastStatus = run.Status;
                text.Append(ServerSentEvents.Event("status", Json(run.ToResponse())));
            }

            if (run.ContainerId is { } container)
            {
                IReadOnlyList<LogLineRow> batch;
                do
                {
                    batch = await logs.AfterAsync(appId, new LogFilter(ContainerId: container), cursor, LogStreamer.BatchSize, ct);
                    foreach (var line in batch)
                    {
                        text.Append(ServerSentEvents.Event(line.Id, "line", Json(line.ToResponse())));
                        cursor = line.Id;
                    }
                }
                while (batch.Count == LogStreamer.BatchSize);
            }

            if (run.Status == RunStatuses.Ended)
                text.Append(ServerSentEvents.Event("end", Json(new RunEnd(run.Outcome!, run.ExitCode, run.Reason))));
            var now = time.GetUtcNow();
            if (text.Length > 0)
            {
                await WriteAsync(response, text.ToString(), ct);
                lastWrite = now;
            }
            else if (now - lastWrite >= LogStreamer.KeepAliveInterval)
            {
                await WriteAsync(response, ServerSentEvents.Comment("keep-alive"), ct);
                lastWrite = now;
            }

            if (run.Status == RunStatuses.Ended)
                return;
            await subscription.WaitAsync(LogStreamer.PollInterval, ct);
        }
    }

    private string Json<T>(T value) => JsonSerializer.Serialize(value, json.Value.SerializerOptions);

    private static async Task WriteAsync(HttpResponse response, string text, CancellationToken ct)
    {
        await response.WriteAsync(text, ct);
        await response.Body.FlushAsync(ct);
    }

    private sealed record RunEnd(string Outcome, int? ExitCode, string? Reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Output stream of run {RunId} (app {AppId}) ended")]
    private static partial void LogEnded(ILogger logger, Guid appId, Guid runId);
}
