using System.Diagnostics;
using PersonalCloud.Contracts.Health;

namespace PersonalCloud.Reconciler.Heartbeats;

/// <summary>
/// Every heartbeat interval: runs this process's component checks and writes one row each, so /healthz can name a
/// component that is down. A failed write (Postgres down) is retried at the next beat; it never stops the process.
/// </summary>
public sealed partial class HeartbeatWriter(
    IEnumerable<IComponentCheck> checks,
    HeartbeatStore store,
    TimeProvider time,
    ILogger<HeartbeatWriter> logger) : BackgroundService
{
    private static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(5);
    private readonly int _pid = Environment.ProcessId;
    private readonly DateTimeOffset _startedAt = new(Process.GetCurrentProcess().StartTime.ToUniversalTime(), TimeSpan.Zero);
    private bool _lastWriteFailed;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(PlatformComponents.HeartbeatInterval, time);
        do
        {
            await Task.WhenAll(checks.Select(check => BeatAsync(check, stoppingToken)));
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        foreach (var check in checks.Where(c => c.OwnedByThisProcess))
        {
            try
            {
                await store.StoppedAsync(check.Name, _pid, cancellationToken);
            }
            catch (Exception e) when (e is Npgsql.NpgsqlException or TimeoutException or OperationCanceledException)
            {
                // Postgres gone too: the heartbeat goes stale instead.
                LogWriteFailed(logger, check.Name, e);
            }
        }
    }

    private async Task BeatAsync(IComponentCheck check, CancellationToken stoppingToken)
    {
        string? problem;
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken))
        {
            timeout.CancelAfter(CheckTimeout);
            try
            {
                problem = await check.ProblemAsync(timeout.Token);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                problem = $"the check failed: {e.Message}";
            }
        }

        try
        {
            await store.BeatAsync(check.Name, _pid, _startedAt, problem, stoppingToken);
            _lastWriteFailed = false;
        }
        catch (Exception e) when (!stoppingToken.IsCancellationRequested)
        {
            if (!_lastWriteFailed)
                LogWriteFailed(logger, check.Name, e);
            _lastWriteFailed = true;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Heartbeat of {Component} could not be written; retrying at the next beat")]
    private static partial void LogWriteFailed(ILogger logger, string component, Exception exception);
}
