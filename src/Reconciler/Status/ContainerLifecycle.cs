using Dapper;
using Npgsql;
using PersonalCloud.Reconciler.Containers;

namespace PersonalCloud.Reconciler.Status;

/// <summary>
/// Records each container's life (created, started, healthy, serving, draining, removed) as the reconciler moves it
/// along, so the dashboard can show the timeline and the equivalent `docker run`. Every write is idempotent.
/// </summary>
public sealed class ContainerLifecycle(NpgsqlDataSource db, TimeProvider time)
{
    public const int KeepPerApp = 50;

    public async Task StartedAsync(ContainerSpec spec, string containerId, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        await using var connection = await db.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO app_containers (container_id, app_id, release_id, name, spec_hash, network, docker_run, created_at, started_at, process, replica, kind)
            VALUES (@containerId, @AppId, @ReleaseId, @Name, @SpecHash, @NetworkName, @dockerRun, @now, @now, @Process, @Replica, @Kind)
            ON CONFLICT (container_id) DO NOTHING;
            DELETE FROM app_containers WHERE app_id = @AppId AND container_id IN (
                SELECT container_id FROM app_containers WHERE app_id = @AppId ORDER BY created_at DESC OFFSET @keep);
            """,
            new
            {
                containerId, spec.AppId, spec.ReleaseId, spec.Name, spec.SpecHash, spec.NetworkName, dockerRun = DockerRunCommand.Render(spec), now, keep = KeepPerApp,
                spec.Process, spec.Replica, Kind = RecordedKind(spec),
            },
            cancellationToken: ct));
    }

    /// <summary>What the dashboard names a container by: its process's kind (web, worker), or what else it is (release-command).</summary>
    public static string RecordedKind(ContainerSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return spec.Kind == Contracts.Labels.ContainerLabels.KindProcess ? spec.ProcessKind : spec.Kind;
    }

    /// <summary>Fills in addresses as the engine reports them (a container has none until it is started).</summary>
    public async Task ObservedAsync(IReadOnlyList<ObservedContainer> containers, CancellationToken ct)
    {
        var known = containers.Where(c => c.IpAddress is not null).ToList();
        if (known.Count == 0)
            return;
        await using var connection = await db.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE app_containers a SET ip_address = o.ip
            FROM unnest(@ids, @ips) AS o(id, ip)
            WHERE a.container_id = o.id AND a.ip_address IS NULL
            """,
            new { ids = known.Select(c => c.Id).ToArray(), ips = known.Select(c => c.IpAddress!).ToArray() }, cancellationToken: ct));
    }

    public async Task HealthyAsync(string containerId, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE app_containers SET healthy_at = COALESCE(healthy_at, @now) WHERE container_id = @containerId",
            new { containerId, now = time.GetUtcNow() }, cancellationToken: ct));
    }

    /// <summary>Traffic now goes to the containers at <paramref name="upstreamIps"/>; those that served before start draining.</summary>
    public async Task RoutedAsync(Guid appId, IReadOnlyList<string> upstreamIps, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var ips = upstreamIps.ToArray();
        await using var connection = await db.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE app_containers SET serving_at = COALESCE(serving_at, @now)
            WHERE app_id = @appId AND removed_at IS NULL AND ip_address = ANY(@ips);
            UPDATE app_containers SET draining_at = @now
            WHERE app_id = @appId AND removed_at IS NULL AND serving_at IS NOT NULL AND draining_at IS NULL
              AND NOT (ip_address = ANY(@ips));
            """,
            new { appId, ips, now }, cancellationToken: ct));
    }

    public async Task RemovedAsync(ObservedContainer container, string reason, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE app_containers SET removed_at = COALESCE(removed_at, @now), exit_code = COALESCE(@ExitCode, exit_code),
                                      removal_reason = COALESCE(removal_reason, @reason)
            WHERE container_id = @Id
            """,
            new { now = time.GetUtcNow(), container.ExitCode, reason, container.Id }, cancellationToken: ct));
    }
}
