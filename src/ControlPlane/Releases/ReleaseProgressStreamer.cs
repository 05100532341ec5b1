using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using PersonalCloud.Contracts.Apps;
using PersonalCloud.ControlPlane.Logs;

namespace PersonalCloud.ControlPlane.Releases;

/// <summary>
/// Follows one release as Server-Sent Events until it settles: <c>release</c> (the release with its stages, whenever it
/// changes), <c>build-log</c> (new build output as it is written; id = characters printed so far, so Last-Event-ID resumes
/// after them) and <c>end</c> once it is live, failed or cancelled. Woken by <see cref="LiveNotifications"/> and by a poll.
/// </summary>
public sealed partial class ReleaseProgressStreamer(
    ReleasesStore store,
    LiveNotifications notifications,
    TimeProvider time,
    IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json,
    IHostApplicationLifetime lifetime,
    ILogger<ReleaseProgressStreamer> logger)
{
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan KeepAliveInterval = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan ReconnectDelay = TimeSpan.FromSeconds(2);

    public async Task StreamAsync(HttpContext http, Guid appId, Guid releaseId, long sentChars)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, lifetime.ApplicationStopping);
        var ct = stop.Token;
        using var subscription = notifications.SubscribeRelease(releaseId);
        var response = http.Response;
        response.ContentType = ServerSentEvents.ContentType;
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        http.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        LogStarted(logger, appId, releaseId);
        try
        {
            await response.WriteAsync(ServerSentEvents.Retry(ReconnectDelay), ct);
            await FollowAsync(response, subscription, appId, releaseId, sentChars, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The client went away or the server stops; it reconnects with Last-Event-ID.
        }
        catch (IOException) when (http.RequestAborted.IsCancellationRequested)
        {
            // The connection broke mid-write.
        }

        LogEnded(logger, appId, releaseId);
    }

    private async Task FollowAsync(HttpResponse response, LiveSubscription subscription, Guid appId, Guid releaseId, long sent, CancellationToken ct)
    {
        string? lastRelease = null;
        var lastWrite = time.GetUtcNow();
        while (true)
        {
            var text = new StringBuilder();
            // The release first, then its log: a build writes its last output before its release settles, so a settled
            // release read here means the log read after it is complete.
            var release = await store.GetAsync(appId, releaseId, ct);
            if (release is null)
            {
                await WriteAsync(response, ServerSentEvents.Event("end", """{"reason":"the release or its app was deleted"}"""), ct);
                return;
            }

            var current = release.ToResponse();
            var serialized = JsonSerializer.Serialize(current, json.Value.SerializerOptions);
            if (serialized != lastRelease)
            {
                text.Append(ServerSentEvents.Event("release", serialized));
                lastRelease = serialized;
            }

            if (release.SourceKind != ReleaseSources.Image && await store.BuildLogAfterAsync(releaseId, sent, ct) is { } log && log.Delta != BuildLogDelta.None)
            {
                var chunk = JsonSerializer.Serialize(new BuildLogChunk(log.Delta.Text, log.Delta.Reset, log.Total), json.Value.SerializerOptions);
                text.Append(ServerSentEvents.Event(log.Total, "build-log", chunk));
                sent = log.Total;
            }

            var settled = Settled(current.Stage, current.Status);
            if (settled)
            {
                text.Append(ServerSentEvents.Event("end", JsonSerializer.Serialize(
                    new ProgressEnd(current.Status, current.Stage, current.FailedStage, current.FailureReason), json.Value.SerializerOptions)));
            }

            var now = time.GetUtcNow();
            if (text.Length > 0)
            {
                await WriteAsync(response, text.ToString(), ct);
                lastWrite = now;
            }
            else if (now - lastWrite >= KeepAliveInterval)
            {
                await WriteAsync(response, ServerSentEvents.Comment("keep-alive"), ct);
                lastWrite = now;
            }

            if (settled)
                return;
            var wait = TimeSpan.FromTicks(Math.Min(PollInterval.Ticks, (KeepAliveInterval - (now - lastWrite)).Ticks));
            await subscription.WaitAsync(wait > TimeSpan.Zero ? wait : TimeSpan.Zero, ct);
        }
    }

    /// <summary>Nothing more will happen to a release that is live (or was, and was replaced), failed or cancelled. Pure.</summary>
    public static bool Settled(string stage, string status) =>
        stage is ReleaseStages.Live or ReleaseStatus.Failed or ReleaseStatus.Cancelled || status == ReleaseStatus.Superseded;

    private static async Task WriteAsync(HttpResponse response, string text, CancellationToken ct)
    {
        await response.WriteAsync(text, ct);
        await response.Body.FlushAsync(ct);
    }

    /// <summary>Build output: <see cref="Text"/> to append (or, with <see cref="Reset"/>, to start over with); <see cref="Total"/> characters printed so far.</summary>
    public sealed record BuildLogChunk(string Text, bool Reset, long Total);

    /// <summary>How the release settled: its status and stage, and for a failure the stage it failed at and why.</summary>
    public sealed record ProgressEnd(string Status, string Stage, string? FailedStage, string? FailureReason);

    /// <summary>Last-Event-ID of a progress stream: the build log characters the client has.</summary>
    public static long ResumeAfter(string? lastEventId) =>
        long.TryParse(lastEventId, NumberStyles.None, CultureInfo.InvariantCulture, out var chars) ? chars : 0;

    [LoggerMessage(Level = LogLevel.Debug, Message = "Progress stream of release {ReleaseId} (app {AppId}) started")]
    private static partial void LogStarted(ILogger logger, Guid appId, Guid releaseId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Progress stream of release {ReleaseId} (app {AppId}) ended")]
    private static partial void LogEnded(ILogger logger, Guid appId, Guid releaseId);
}
