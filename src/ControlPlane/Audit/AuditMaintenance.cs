using Microsoft.Extensions.Options;
using PersonalCloud.ControlPlane.Hosting;
using PersonalCloud.ControlPlane.Problems;

namespace PersonalCloud.ControlPlane.Audit;

/// <summary>
/// Once per anonymous window (<c>PCLOUD_AUDIT_ANONYMOUS_WINDOW_SECONDS</c>): writes the window's counted anonymous
/// calls, then deletes audit rows older than <c>PCLOUD_AUDIT_RETENTION_DAYS</c>. While Postgres does not answer the
/// counts are kept for the next window; the last ones are written at shutdown.
/// </summary>
public sealed partial class AuditMaintenance(
    AnonymousAuditWindow window, AuditStore store, IOptions<ControlPlaneOptions> options, TimeProvider time, ILogger<AuditMaintenance> logger)
    : BackgroundService
{
    private static readonly TimeSpan FinalFlushTimeout = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.AuditAnonymousWindowSeconds), time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await FlushAsync(stoppingToken);
                await SweepAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: the last window is written below.
        }

        using var last = new CancellationTokenSource(FinalFlushTimeout);
        await FlushAsync(last.Token);
    }

    /// <summary>Writes the window's rows; visible to the integration tests through the rows they find.</summary>
    public async Task FlushAsync(CancellationToken ct)
    {
        var rows = window.Take();
        if (rows.Count == 0)
            return;
        try
        {
            await store.InsertManyAsync(rows, ct);
        }
        catch (Exception e) when (FailureStatus.IsDatabaseUnavailable(e) || e is OperationCanceledException)
        {
            window.PutBack(rows);
            LogFlushDeferred(logger, rows.Sum(r => r.Count), e.Message);
        }
    }

    private async Task SweepAsync(CancellationToken ct)
    {
        var cutoff = time.GetUtcNow().AddDays(-options.Value.AuditRetentionDays);
        try
        {
            var deleted = await store.DeleteOlderThanAsync(cutoff, ct);
            if (deleted > 0)
                LogSwept(logger, deleted, options.Value.AuditRetentionDays);
        }
        catch (Exception e) when (FailureStatus.IsDatabaseUnavailable(e))
        {
            LogSweepDeferred(logger, e.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Audit: {Calls} anonymous calls not written yet ({Reason}); kept for the next window")]
    private static partial void LogFlushDeferred(ILogger logger, int calls, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Audit: deleted {Rows} records older than {Days} days")]
    private static partial void LogSwept(ILogger logger, long rows, int days);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Audit: retention sweep deferred to the next window ({Reason})")]
    private static partial void LogSweepDeferred(ILogger logger, string reason);
}
