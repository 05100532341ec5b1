using System.Collections.Concurrent;
using System.Text.Json;
using Dapper;
using Npgsql;
using PersonalCloud.Contracts.Processes;
using PersonalCloud.Reconciler.Containers;

namespace PersonalCloud.Reconciler.Health;

/// <summary>
/// Runs each worker replica's liveness command (when its process has one) on the app's health-check interval. After the
/// app's unhealthy threshold of failures in a row the replica is stopped (SIGTERM, then the stop timeout): it is then an
/// exited replica, restarted by the reconciler with the crash-loop backoff. Each stop is an event in the app's journal.
/// </summary>
public sealed partial class WorkerLivenessMonitor(
    NpgsqlDataSource db, IContainerRuntime runtime, LivenessProbe probe, Events.EventJournal journal, TimeProvider time, ILogger<WorkerLivenessMonitor> logger)
    : BackgroundService
{
    public const string Action = "StopUnresponsiveWorker";
    private static readonly TimeSpan Tick = TimeSpan.FromSeconds(1);
    private readonly ConcurrentDictionary<string, (int Failures, DateTimeOffset CheckedAt)> _replicas = new(StringComparer.Ordinal);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Tick, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await CheckDueAsync(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                LogFailed(logger, e);
            }
        }
    }

    private async Task CheckDueAsync(CancellationToken ct)
    {
        IReadOnlyList<AppLiveness> apps;
        await using (var connection = await db.OpenConnectionAsync(ct))
        {
            apps = (await connection.QueryAsync<AppLiveness>(new CommandDefinition(
                """
                SELECT a.id AS app_id, a.current_release_id AS release_id, r.processes::text AS processes, h.interval_seconds, h.timeout_seconds,
                       h.unhealthy_threshold, r.stop_timeout_seconds
                FROM apps a JOIN releases r ON r.id = a.current_release_id JOIN health_checks h ON h.app_id = a.id
                WHERE r.processes IS NOT NULL AND r.processes::text LIKE '%"livenessCommand": "%'
                """, cancellationToken: ct))).AsList();
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var app in apps)
        {
            var commands = (JsonSerializer.Deserialize<List<ProcessDefinition>>(app.Processes, Desired.DesiredStateReader.SnapshotJson) ?? [])
                .Where(p => p.Kind == ProcessKinds.Worker && p.LivenessCommand is not null)
                .ToDictionary(p => p.Name, p => p.LivenessCommand!, StringComparer.Ordinal);
            var replicas = (await runtime.ListManagedAsync(app.AppId, ct))
                .Where(c => c.IsProcess && c.IsWorker && c.State == ContainerState.Running && c.ReleaseId == app.ReleaseId && commands.ContainsKey(c.Process));
            foreach (var replica in replicas)
            {
                seen.Add(replica.Id);
                await CheckAsync(app, replica, commands[replica.Process], ct);
            }
        }

        foreach (var id in _replicas.Keys.Where(id => !seen.Contains(id)))
            _replicas.TryRemove(id, out _);
    }

    private async Task CheckAsync(AppLiveness app, ObservedContainer replica, string command, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var state = _replicas.GetValueOrDefault(replica.Id, (Failures: 0, CheckedAt: DateTimeOffset.MinValue));
        if (now - state.CheckedAt < TimeSpan.FromSeconds(app.IntervalSeconds))
            return;
        var alive = await probe.CheckAsync(replica.Id, command, TimeSpan.FromSeconds(app.TimeoutSeconds), ct);
        var failures = alive ? 0 : state.Failures + 1;
        _replicas[replica.Id] = (failures, now);
        if (failures < app.UnhealthyThreshold)
            return;

        _replicas.TryRemove(replica.Id, out _);
        var started = time.GetTimestamp();
        LogStopping(logger, app.AppId, replica.Process, replica.Replica, failures);
        await runtime.StopAsync(replica.Id, TimeSpan.FromSeconds(app.StopTimeoutSeconds ?? 10), ct);
        await journal.RecordAsync(new Events.AppEvent(app.AppId, app.ReleaseId, null, Action,
            $"process {replica.Process}, replica {replica.Replica}: its liveness command failed {failures} times in a row ({command}); stopped, so it restarts with the crash backoff",
            Events.EventJournal.Succeeded, null, time.GetElapsedTime(started)), ct);
    }

    private sealed record AppLiveness
    {
        public Guid AppId { get; init; }
        public Guid ReleaseId { get; init; }
        public string Processes { get; init; } = "[]";
        public int IntervalSeconds { get; init; }
        public int TimeoutSeconds { get; init; }
        public int UnhealthyThreshold { get; init; }
        public int? StopTimeoutSeconds { get; init; }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "App {AppId}: process {Process} replica {Replica} failed its liveness command {Failures} times in a row; stopping it")]
    private static partial void LogStopping(ILogger logger, Guid appId, string process, int replica, int failures);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Worker liveness checks failed")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
