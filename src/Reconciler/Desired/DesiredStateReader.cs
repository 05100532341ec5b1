using Dapper;
using Npgsql;
using PersonalCloud.Contracts.Secrets;
using PersonalCloud.Reconciler.Containers;

namespace PersonalCloud.Reconciler.Desired;

/// <summary>Reads one app's desired state from Postgres. Failures throw: a failed read is never "no app".</summary>
public sealed class DesiredStateReader(NpgsqlDataSource db, SecretBox secrets)
{
    public async Task<DesiredApp?> ReadAsync(Guid appId, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var app = await connection.QuerySingleOrDefaultAsync<AppRow>(new CommandDefinition(
            """
            SELECT a.id, a.name, a.generation, a.restart_generation, a.port, a.memory_mb, a.cpus, a.pids_limit, a.security_profile,
                   a.generated_hostname, a.desired_release_id, a.current_release_id,
                   r.image AS release_image, r.status AS release_status, r.failure_reason AS release_failure_reason,
                   COALESCE(h.path, '/') AS health_path, COALESCE(h.interval_seconds, 10) AS health_interval_seconds
            FROM apps a
            LEFT JOIN releases r ON r.id = a.desired_release_id
            LEFT JOIN health_checks h ON h.app_id = a.id
            WHERE a.id = @appId
            """, new { appId }, cancellationToken: ct));
        if (app is null)
            return null;

        var domains = await connection.QueryAsync<string>(new CommandDefinition(
            "SELECT hostname FROM domains WHERE app_id = @appId ORDER BY hostname", new { appId }, cancellationToken: ct));
        var env = await connection.QueryAsync<(string Key, string EncryptedValue)>(new CommandDefinition(
            "SELECT key, encrypted_value FROM environment_variables WHERE app_id = @appId ORDER BY key", new { appId }, cancellationToken: ct));

        return new DesiredApp(
            app.Id,
            app.Name,
            app.Generation,
            app.RestartGeneration,
            app.Port,
            new ContainerLimits(app.MemoryMb * 1024L * 1024L, app.Cpus, app.PidsLimit),
            app.SecurityProfile,
            [app.GeneratedHostname, .. domains],
            env.ToDictionary(e => e.Key, e => secrets.Open(appId, e.Key, e.EncryptedValue), StringComparer.Ordinal),
            app.DesiredReleaseId is { } releaseId && app.ReleaseImage is not null
                ? new DesiredRelease(releaseId, app.ReleaseImage, app.ReleaseStatus ?? "", app.ReleaseFailureReason)
                : null,
            app.CurrentReleaseId,
            new HealthCheckSpec(app.HealthPath, app.HealthIntervalSeconds));
    }

    /// <summary>Every app id that exists, for resync and for pruning what belongs to deleted apps.</summary>
    public async Task<IReadOnlySet<Guid>> ListAppIdsAsync(CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var ids = await connection.QueryAsync<Guid>(new CommandDefinition("SELECT id FROM apps", cancellationToken: ct));
        return ids.ToHashSet();
    }

    private sealed record AppRow
    {
        public Guid Id { get; init; }
        public string Name { get; init; } = "";
        public long Generation { get; init; }
        public int RestartGeneration { get; init; }
        public int? Port { get; init; }
        public int MemoryMb { get; init; }
        public double Cpus { get; init; }
        public int PidsLimit { get; init; }
        public string SecurityProfile { get; init; } = "";
        public string GeneratedHostname { get; init; } = "";
        public Guid? DesiredReleaseId { get; init; }
        public Guid? CurrentReleaseId { get; init; }
        public string? ReleaseImage { get; init; }
        public string? ReleaseStatus { get; init; }
        public string? ReleaseFailureReason { get; init; }
        public string HealthPath { get; init; } = "/";
        public int HealthIntervalSeconds { get; init; }
    }
}
