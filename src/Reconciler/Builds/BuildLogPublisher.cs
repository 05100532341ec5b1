namespace PersonalCloud.Reconciler.Builds;

/// <summary>
/// Writes a running build's log to Postgres whenever it grew, at most every <see cref="FlushInterval"/>, so the API can
/// serve and stream it during the build. Best effort: a failed write is logged and retried at the next tick; the build's
/// final record is what counts.
/// </summary>
public sealed partial class BuildLogPublisher(BuildStore store, TimeProvider time, ILogger<BuildLogPublisher> logger)
{
    public static readonly TimeSpan FlushInterval = TimeSpan.FromMilliseconds(250);

    /// <summary>Runs until <paramref name="ct"/> is cancelled (the build ended); the first write comes at once.</summary>
    public async Task RunAsync(Guid releaseId, BuildLog log, CancellationToken ct)
    {
        long written = -1;
        using var timer = new PeriodicTimer(FlushInterval, time);
        try
        {
            do
            {
                var snapshot = log.Snapshot();
                if (snapshot.TotalChars == written)
                    continue;
                try
                {
                    await store.WriteRunningAsync(releaseId, snapshot, ct);
                    written = snapshot.TotalChars;
                }
                catch (Exception e) when (!ct.IsCancellationRequested)
                {
                    LogWriteFailed(logger, e, releaseId);
                }
            }
            while (await timer.WaitForNextTickAsync(ct));
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The build ended.
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The running build log of release {ReleaseId} could not be written; trying again")]
    private static partial void LogWriteFailed(ILogger logger, Exception exception, Guid releaseId);
}
