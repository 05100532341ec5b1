using Dapper;
using Npgsql;
using PersonalCloud.ControlPlane.Events;

namespace PersonalCloud.ControlPlane.Dashboard;

/// <summary>An <c>app_containers</c> row, as the reconciler wrote it.</summary>
public sealed record ContainerRow
{
    public string ContainerId { get; init; } = "";
    public Guid? ReleaseId { get; init; }
    public string Name { get; init; } = "";
    public string Network { get; init; } = "";
    public string? IpAddress { get; init; }
    public string DockerRun { get; init; } = "";
    public DateTime CreatedAt { get; init; }
    public DateTime? StartedAt { get; init; }
    public DateTime? HealthyAt { get; init; }
    public DateTime? ServingAt { get; init; }
    public DateTime? DrainingAt { get; init; }
    public DateTime? RemovedAt { get; init; }
    public int? ExitCode { get; init; }
    public string? RemovalReason { get; init; }

    /// <summary>The process and replica it ran (null on rows from before processes: the one web container).</summary>
    public string? Process { get; init; }

    public int? Replica { get; init; }

    /// <summary><c>web</c>, <c>worker</c> or <c>release-command</c>.</summary>
    public string? Kind { get; init; }
}

/// <summary>The app's <c>routes</c> row.</summary>
public sealed record RouteRow
{
    public string[] Hostnames { get; init; } = [];
    public string[] Upstreams { get; init; } = [];
    public DateTime UpdatedAt { get; init; }
}

/// <summary>A <c>platform_state</c> row; the value as JSON text.</summary>
public sealed record PlatformStateRow
{
    public string Value { get; init; } = "";
    public DateTime UpdatedAt { get; init; }
}

/// <summary>Everything the internals view reads, in one round trip.</summary>
/// <param name="LastPlan">The journal entries of the newest generation that has any, newest first.</param>
public sealed record InternalsRows(
    IReadOnlyList<ContainerRow> Containers,
    IReadOnlyList<AppEventRow> LastPlan,
    RouteRow? Route,
    PlatformStateRow? CaddyConfig);

/// <summary>Reads what the reconciler recorded about an app: container lifecycles, journal, route, Caddy's config.</summary>
public sealed class InternalsStore(NpgsqlDataSource db)
{
    public const string CaddyConfigKey = Contracts.Hosting.PlatformStateKeys.CaddyConfig;
    private const int MaxPlanActions = 100;

    public async Task<InternalsRows> ReadAsync(Guid appId, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var results = await connection.QueryMultipleAsync(new CommandDefinition(
            """
            SELECT container_id, release_id, name, network, ip_address, docker_run, created_at, started_at, healthy_at,
                   serving_at, draining_at, removed_at, exit_code, removal_reason, process, replica, kind
            FROM app_containers WHERE app_id = @appId ORDER BY created_at DESC, container_id;

            SELECT id, release_id, generation, action, reason, outcome, error, duration_ms, at
            FROM app_events
            WHERE app_id = @appId AND generation = (SELECT max(generation) FROM app_events WHERE app_id = @appId)
            ORDER BY id DESC LIMIT @limit;

            SELECT hostnames, upstreams, updated_at FROM routes WHERE app_id = @appId;

            SELECT value::text AS value, updated_at FROM platform_state WHERE key = @key;
            """,
            new { appId, limit = MaxPlanActions, key = CaddyConfigKey }, cancellationToken: ct));
        var containers = (await results.ReadAsync<ContainerRow>()).AsList();
        var plan = (await results.ReadAsync<AppEventRow>()).AsList();
        var route = await results.ReadSingleOrDefaultAsync<RouteRow>();
        var caddy = await results.ReadSingleOrDefaultAsync<PlatformStateRow>();
        return new InternalsRows(containers, plan, route, caddy);
    }
}
