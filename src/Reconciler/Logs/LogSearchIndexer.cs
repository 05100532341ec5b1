namespace PersonalCloud.Reconciler.Logs;

/// <summary>Keeps the log search index caught up: steps while containers are due, then looks again every second.</summary>
public sealed partial class LogSearchIndexer(LogSearchIndex index, TimeProvider time, ILogger<LogSearchIndexer> logger) : BackgroundService
{
    private static readonly TimeSpan Idle = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (await index.IndexNextAsync(stoppingToken) is not null)
                    continue;
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                LogIndexFailed(logger, e);
            }

            try
            {
                await Task.Delay(Idle, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Indexing log lines for search failed; retrying")]
    private static partial void LogIndexFailed(ILogger logger, Exception exception);
}
