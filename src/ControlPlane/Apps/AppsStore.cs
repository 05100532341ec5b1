using Dapper;
using Npgsql;
using PersonalCloud.ControlPlane.Database;
using PersonalCloud.ControlPlane.Releases;

namespace PersonalCloud.ControlPlane.Apps;

public sealed record NewApp(Guid Id, string Name, string? Image, int? Port, int MemoryMb, double Cpus, int Pids,
    string SecurityProfile, string GeneratedHostname, NewHealthCheck Health, int DrainSeconds, int StopTimeoutSeconds, DateTimeOffset CreatedAt,
    bool RunAsRoot = false, IReadOnlyList<Processes.ProcessInput>? Processes = null);

public sealed record NewHealthCheck(string Path, int IntervalSeconds, int TimeoutSeconds, int HealthyThreshold, int UnhealthyThreshold, int DeployDeadlineSeconds);

public enum CreateAppOutcome
{
    Created,
    NameTaken,
    HostnameTaken,
}

/// <summary>Reads and writes the apps table (desired state) with Dapper.</summary>
public sealed class AppsStore(NpgsqlDataSource db)
{
    private const string SelectApp =
        """
        SELECT a.id, a.name, a.image, a.port, a.memory_mb, a.cpus, a.pids_limit, a.security_profile, a.generated_hostname,
               a.created_at, a.generation, a.status, a.observed_generation, a.current_release_id, a.desired_release_id,
               a.last_deployed_at, a.restart_count, a.last_error, a.crash_count, a.last_exit_code, a.run_as_root,
               a.drain_seconds, a.stop_timeout_seconds, h.path AS health_path, h.interval_seconds AS health_interval_seconds,
               h.timeout_seconds AS health_timeout_seconds, h.healthy_threshold, h.unhealthy_threshold, h.deploy_deadline_seconds,
               COALESCE((SELECT array_agg(d.hostname ORDER BY d.hostname) FROM domains d WHERE d.app_id = a.id), '{}') AS domains
        FROM apps a LEFT JOIN health_checks h ON h.app_id = a.id
        """;

    public async Task<IReadOnlyList<AppRow>> ListAsync(CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var rows = await connection.QueryAsync<AppRow>(new CommandDefinition(SelectApp + " ORDER BY a.name", cancellationToken: ct));
        return rows.AsList();
    }

    public async Task<AppRow?> GetAsync(Guid id, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<AppRow>(new CommandDefinition(SelectApp + " WHERE a.id = @id", new { id }, cancellationToken: ct));
    }

    public async Task<IReadOnlyDictionary<Guid, ReleaseRow>> GetReleasesAsync(IEnumerable<Guid> ids, CancellationToken ct)
    {
        var list = ids.Distinct().ToArray();
        if (list.Length == 0)
            return new Dictionary<Guid, ReleaseRow>();
        await using var connection = await db.OpenConnectionAsync(ct);
        var rows = await connection.QueryAsync<ReleaseRow>(new CommandDefinition(ReleasesStore.SelectRelease + " WHERE id = ANY(@list)", new { list }, cancellationToken: ct));
        return rows.ToDictionary(r => r.Id);
    }

    public async Task<CreateAppOutcome> CreateAsync(NewApp app, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        int inserted;
        try
        {
            // Inserting the app claims its generated hostname (a trigger, migration 0015): a hostname another app holds fails it.
            inserted = await connection.ExecuteAsync(
                """
                INSERT INTO apps (id, owner_id, name, image, port, memory_mb, cpus, pids_limit, security_profile, generated_hostname, created_at,
                                  drain_seconds, stop_timeout_seconds, run_as_root)
                VALUES (@Id, @Owner, @Name, @Image, @Port, @MemoryMb, @Cpus, @Pids, @SecurityProfile, @GeneratedHostname, @CreatedAt,
                        @DrainSeconds, @StopTimeoutSeconds, @RunAsRoot)
                ON CONFLICT DO NOTHING
                """,
                new
                {
                    app.Id, Owner = Hosting.AppDefaults.OwnerId, app.Name, app.Image, app.Port, app.MemoryMb, app.Cpus, app.Pids, app.SecurityProfile,
                    app.GeneratedHostname, app.CreatedAt, app.DrainSeconds, app.StopTimeoutSeconds, app.RunAsRoot,
                },
                tx);
        }
        catch (PostgresException e) when (Domains.HostnameClaims.IsTaken(e))
        {
            return CreateAppOutcome.HostnameTaken;
        }

        if (inserted == 0)
            return CreateAppOutcome.NameTaken;

        await connection.ExecuteAsync(
            """
            INSERT INTO health_checks (id, app_id, path, interval_seconds, timeout_seconds, healthy_threshold, unhealthy_threshold, deploy_deadline_seconds)
            VALUES (@id, @appId, @Path, @IntervalSeconds, @TimeoutSeconds, @HealthyThreshold, @UnhealthyThreshold, @DeployDeadlineSeconds)
            """,
            new
            {
                id = Guid.CreateVersion7(), appId = app.Id, app.Health.Path, app.Health.IntervalSeconds, app.Health.TimeoutSeconds,
                app.Health.HealthyThreshold, app.Health.UnhealthyThreshold, app.Health.DeployDeadlineSeconds,
            },
            tx);
        foreach (var process in app.Processes ?? [])
            await Processes.ProcessSnapshots.InsertAsync(connection, tx, app.Id, process, app.CreatedAt);
        await DesiredStateChanges.NotifyAsync(connection, tx, app.Id);
        await tx.CommitAsync(ct);
        return CreateAppOutcome.Created;
    }

    /// <summary>Deletes the desired state; the reconciler notices the app is gone and removes its containers, network and routes.</summary>
    public async Task<bool> DeleteAsync(Guid id, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var deleted = await connection.ExecuteAsync("DELETE FROM apps WHERE id = @id", new { id }, tx);
        if (deleted == 0)
            return false;
        await DesiredStateChanges.NotifyAsync(connection, tx, id);
        await tx.CommitAsync(ct);
        return true;
    }

    /// <summary>Bumps the restart generation so the reconciler replaces the running container. Null when the app is unknown.</summary>
    public async Task<long?> RequestRestartAsync(Guid id, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        // A restart restarts what serves: when the newest release failed, the one still running is what restarts.
        await connection.ExecuteAsync(
            """
            UPDATE apps SET desired_release_id = current_release_id
            WHERE id = @id AND current_release_id IS NOT NULL
              AND (SELECT status FROM releases WHERE releases.id = apps.desired_release_id) = 'failed'
            """,
            new { id }, tx);
        var generation = await DesiredStateChanges.BumpAsync(connection, tx, id, restart: true);
        await tx.CommitAsync(ct);
        return generation;
    }
}
