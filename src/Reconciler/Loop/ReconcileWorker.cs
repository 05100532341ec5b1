using Microsoft.Extensions.Options;
using PersonalCloud.Reconciler.Apps;
using PersonalCloud.Reconciler.Hosting;

namespace PersonalCloud.Reconciler.Loop;

/// <summary>Takes app ids off the queue and reconciles them; the one place errors are caught, turned into backoff.</summary>
public sealed partial class ReconcileWorker(
    WorkQueue queue,
    AppReconciler reconciler,
    Status.RetryStatus retryStatus,
    IOptions<ReconcilerOptions> options,
    ILogger<ReconcileWorker> logger) : BackgroundService
{
    private readonly RetryBackoff _backoff = new(TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(5), Random.Shared.NextDouble);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, options.Value.Workers).Select(_ => RunAsync(stoppingToken)));

    private async Task RunAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            Guid appId;
            try
            {
                appId = await queue.TakeAsync(stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            try
            {
                switch (await reconciler.ReconcileAsync(appId, stoppingToken))
                {
                    case ReconcileResult.RequeueAfter r:
                        _backoff.Reset(appId);
                        queue.AddAfter(appId, r.Delay);
                        break;
                    default:
                        _backoff.Reset(appId);
                        break;
                }
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                var (delay, attempt) = _backoff.Next(appId);
                LogFailed(logger, e, appId, delay);
                queue.AddAfter(appId, delay);
                // A refused container already failed its release (terminal): the next pass shows that, not a retry.
                if (e is not Containers.ContainerRejectedException)
                    await ReportRetryAsync(appId, e, attempt, delay, stoppingToken);
            }
            finally
            {
                queue.Done(appId);
            }
        }
    }

    /// <summary>Best effort: the store may be what failed; the retry is queued either way.</summary>
    private async Task ReportRetryAsync(Guid appId, Exception error, int attempt, TimeSpan delay, CancellationToken stoppingToken)
    {
        try
        {
            await retryStatus.WriteAsync(appId, error, attempt, delay, stoppingToken);
        }
        catch (Exception e) when (!stoppingToken.IsCancellationRequested)
        {
            LogRetryStatusFailed(logger, e, appId);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "App {AppId}: could not record the failed reconcile in its status")]
    private static partial void LogRetryStatusFailed(ILogger logger, Exception exception, Guid appId);

    [LoggerMessage(Level = LogLevel.Error, Message = "App {AppId}: reconcile failed; retrying in {Delay}")]
    private static partial void LogFailed(ILogger logger, Exception exception, Guid appId, TimeSpan delay);
}
