using PersonalCloud.Contracts.Health;

namespace PersonalCloud.ControlPlane.Health;

/// <summary>
/// Builds /healthz from what the components wrote: the heartbeat rows, the supervisor's state files and whether
/// Postgres answered. Pure: no I/O, so every rule has a unit test.
/// </summary>
public static class PlatformHealthReport
{
    public const string Up = "up";
    public const string Down = "down";
    public const string Unknown = "unknown";

    private static readonly Dictionary<string, string> Actions = new(StringComparer.Ordinal)
    {
        [PlatformComponents.Postgres] = "nothing can change and the API answers 503 until it is back; the supervisor restarts the embedded cluster (logs/postgres.log); with PCLOUD_DATABASE_URL check that server",
        [PlatformComponents.ControlPlane] = "the API and dashboard are unavailable while it restarts; see logs/controlplane.log",
        [PlatformComponents.RouteDns] = "Caddy cannot route any app while it is down; the supervisor restarts it; see logs/route-dns.log",
        [PlatformComponents.Reconciler] = "apps keep serving, but deploys, restarts and crash recovery wait; the supervisor restarts it; see logs/reconciler.log",
        [PlatformComponents.Caddy] = "no app is reachable while Caddy is down; the supervisor restarts it with its last config; see logs/caddy.log",
    };

    /// <param name="databaseError">Why Postgres did not answer; null when it did (then <paramref name="rows"/> are its rows).</param>
    /// <param name="databaseNow">Postgres's clock when the rows were read: heartbeats are compared with the clock that stamped them.</param>
    public static PlatformHealth Build(string? databaseError, IReadOnlyList<ComponentRow> rows, DateTimeOffset databaseNow,
        IReadOnlyDictionary<string, SupervisedProcess> supervised)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(supervised);
        var byName = rows.ToDictionary(r => r.Name, StringComparer.Ordinal);
        var components = new Dictionary<string, ComponentHealth>(StringComparer.Ordinal);
        foreach (var name in PlatformComponents.All)
        {
            var process = supervised.GetValueOrDefault(name);
            var health = name switch
            {
                PlatformComponents.Postgres => databaseError is null
                    ? Healthy(null, process)
                    : FromSupervisor(name, process) ?? Failing(name, null, $"Postgres does not answer: {databaseError}", process),
                PlatformComponents.ControlPlane => Healthy(null, process),
                _ => FromSupervisor(name, process) ?? FromHeartbeat(name, databaseError, byName, databaseNow, process),
            };
            components[name] = health;
        }

        var down = components.Where(c => c.Value.Status != Up).Select(c => c.Key).ToList();
        return new PlatformHealth(down.Count == 0 ? Up : Down, down, components);
    }

    /// <summary>The supervisor knows first: a process that exited is down from that moment, whatever its last heartbeat says.</summary>
    private static ComponentHealth? FromSupervisor(string name, SupervisedProcess? process)
    {
        if (process is null || process.State == "running")
            return null;
        var detail = process.State == "restarting"
            ? $"exited ({process.LastExit ?? "unknown status"}); restart {process.Restarts} {(process.NextStart is { } at ? $"at {at:O}" : "soon")}"
            : $"stopped ({process.LastExit ?? "by the supervisor"})";
        return Failing(name, process.Since, detail, process);
    }

    private static ComponentHealth FromHeartbeat(string name, string? databaseError, Dictionary<string, ComponentRow> rows, DateTimeOffset now,
        SupervisedProcess? process)
    {
        var reporter = name == PlatformComponents.Caddy ? PlatformComponents.Reconciler : name;
        if (databaseError is not null)
            return Unclear(name, null, $"its heartbeat is in Postgres, which does not answer", process);
        if (!rows.TryGetValue(name, out var row))
        {
            return name == reporter
                ? Failing(name, null, "has never reported a heartbeat (not started yet?)", process)
                : Unclear(name, null, $"the {reporter}, which checks it, has not reported yet", process);
        }

        if (name != reporter && (!rows.TryGetValue(reporter, out var checker) || Stale(checker, now)))
            return Unclear(name, Utc(row.HeartbeatAt), $"the {reporter}, which checks it, is down; last checked {Utc(row.HeartbeatAt):O}", process);
        if (row.StoppedAt is { } stopped)
            return Failing(name, Utc(stopped), "stopped", process);
        if (Stale(row, now))
            return Failing(name, Utc(row.HeartbeatAt), $"no heartbeat since {Utc(row.HeartbeatAt):O}: the process is gone or stuck", process);
        if (name == reporter && process?.Pid is { } pid && pid != row.Pid)
            return Failing(name, process.Since, $"starting (pid {pid})", process);
        if (!row.Healthy)
            return Failing(name, row.UnhealthySince is { } since ? Utc(since) : null, row.Detail ?? "reports a problem", process);
        // Caddy's row is the reconciler's check: its start is not Caddy's, the supervisor's record is.
        return Healthy(name == reporter ? Utc(row.StartedAt) : process?.Since, process);
    }

    private static bool Stale(ComponentRow row, DateTimeOffset now) =>
        row.StoppedAt is not null || now - Utc(row.HeartbeatAt) > PlatformComponents.HeartbeatStaleAfter;

    private static ComponentHealth Healthy(DateTimeOffset? since, SupervisedProcess? process) =>
        new(Up, since ?? process?.Since, null, null, process?.Restarts);

    private static ComponentHealth Failing(string name, DateTimeOffset? since, string detail, SupervisedProcess? process) =>
        new(Down, since, detail, Actions[name], process?.Restarts);

    private static ComponentHealth Unclear(string name, DateTimeOffset? since, string detail, SupervisedProcess? process) =>
        new(Unknown, since, detail, Actions[name], process?.Restarts);

    private static DateTimeOffset Utc(DateTime value) => new(DateTime.SpecifyKind(value, DateTimeKind.Utc));
}
