using Dapper;
using Npgsql;
using PersonalCloud.Reconciler.Containers;
using PersonalCloud.Reconciler.Loop;

namespace PersonalCloud.Reconciler.Capacity;

/// <summary>
/// Publishes what the host has (the engine's CPUs and memory) to its row in <c>host_capacity</c>, at start and every
/// few minutes, so the API can refuse limits the host cannot give without ever asking the engine. The reconciler is the
/// row's only writer. A failed read or write is retried with backoff and never stops the process.
/// </summary>
public sealed partial class HostCapacityPublisher(IContainerRuntime runtime, NpgsqlDataSource db, TimeProvider time, ILogger<HostCapacityPublisher> logger)
    : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(5);
    private Contracts.Hosting.HostCapacity? _published;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            TimeSpan next;
            try
            {
                var capacity = await runtime.GetHostCapacityAsync(stoppingToken);
                await PublishAsync(capacity, stoppingToken);
                if (capacity != _published)
                    LogPublished(logger, capacity.Cpus, capacity.MemoryMb);
                _published = capacity;
                failures = 0;
                next = Interval;
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                failures++;
                next = RetryBackoff.Delay(failures, TimeSpan.FromSeconds(5), Interval, 0.5);
                LogFailed(logger, e, next);
            }

            await Task.Delay(next, time, stoppingToken);
        }
    }

    private async Task PublishAsync(Contracts.Hosting.HostCapacity capacity, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO host_capacity (id, cpus, memory_bytes, observed_at) VALUES (true, @Cpus, @MemoryBytes, now())
            ON CONFLICT (id) DO UPDATE SET cpus = excluded.cpus, memory_bytes = excluded.memory_bytes, observed_at = excluded.observed_at
            """, capacity, cancellationToken: ct));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Host capacity published: {Cpus} CPUs, {MemoryMb} MB")]
    private static partial void LogPublished(ILogger logger, int cpus, long memoryMb);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not publish the host's capacity; retrying in {Delay}")]
    private static partial void LogFailed(ILogger logger, Exception exception, TimeSpan delay);
}
