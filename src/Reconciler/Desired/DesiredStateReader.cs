using System.Text.Json;
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
            SELECT a.id, a.name, a.generation, a.restart_generation, a.generated_hostname, a.desired_release_id, a.current_release_id,
                   a.crash_count, a.last_exit_code, a.restart_not_before
            FROM apps a WHERE a.id = @appId
            """, new { appId }, cancellationToken: ct));
        if (app is null)
            return null;

        var domains = await connection.QueryAsync<string>(new CommandDefinition(
            "SELECT hostname FROM domains WHERE app_id = @appId ORDER BY hostname", new { appId }, cancellationToken: ct));
        var release = app.DesiredReleaseId is { } releaseId
            ? await connection.QuerySingleOrDefaultAsync<ReleaseRow>(new CommandDefinition(
                """
                SELECT id, source_kind, image, image_digest, git_url, git_url_sealed, git_ref, status, failure_reason, port, env_snapshot::text AS env_snapshot,
                       memory_mb, cpus, pids_limit, security_profile, health_path, health_timeout_seconds, healthy_threshold,
                       deploy_deadline_seconds, drain_seconds, stop_timeout_seconds, run_as_root
                FROM releases WHERE id = @releaseId
                """, new { releaseId }, cancellationToken: ct))
            : null;

        return new DesiredApp(
            app.Id,
            app.Name,
            app.Generation,
            app.RestartGeneration,
            [app.GeneratedHostname, .. domains],
            release is null ? null : ToDesired(appId, release),
            app.CurrentReleaseId,
            new CrashState(app.CrashCount, app.LastExitCode, app.RestartNotBefore is { } t ? new DateTimeOffset(DateTime.SpecifyKind(t, DateTimeKind.Utc)) : null));
    }

    /// <summary>Every app id that exists, for resync and for pruning what belongs to deleted apps.</summary>
    public async Task<IReadOnlySet<Guid>> ListAppIdsAsync(CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var ids = await connection.QueryAsync<Guid>(new CommandDefinition("SELECT id FROM apps", cancellationToken: ct));
        return ids.ToHashSet();
    }

    private DesiredRelease ToDesired(Guid appId, ReleaseRow r)
    {
        // A value that cannot be opened throws: it is never passed on as ciphertext.
        var sealedEnv = JsonSerializer.Deserialize<Dictionary<string, string>>(r.EnvSnapshot) ?? [];
        var env = sealedEnv.ToDictionary(e => e.Key, e => secrets.Open(appId, e.Key, e.Value), StringComparer.Ordinal);
        return new DesiredRelease(
            r.Id, r.SourceKind, r.Image, r.ImageDigest,
            r.GitUrlSealed is { } sealedUrl ? secrets.Open(appId, Contracts.Secrets.GitUrlCredentials.SealKey, sealedUrl) : r.GitUrl, r.GitRef, r.Status, r.FailureReason, r.Port, env,
            new ContainerLimits((r.MemoryMb ?? 256) * 1024L * 1024L, r.Cpus ?? 0.5, r.PidsLimit ?? 256),
            r.SecurityProfile ?? Contracts.Apps.SecurityProfiles.Default,
            new ReleaseHealth(r.HealthPath ?? "/", TimeSpan.FromSeconds(r.HealthTimeoutSeconds ?? 2), r.HealthyThreshold ?? 1,
                TimeSpan.FromSeconds(r.DeployDeadlineSeconds ?? 60)),
            new RolloutTiming(TimeSpan.FromSeconds(r.DrainSeconds ?? 3), TimeSpan.FromSeconds(r.StopTimeoutSeconds ?? 10)),
            r.RunAsRoot ?? false);
    }

    private sealed record AppRow
    {
        public Guid Id { get; init; }
        public string Name { get; init; } = "";
        public long Generation { get; init; }
        public int RestartGeneration { get; init; }
        public string GeneratedHostname { get; init; } = "";
        public Guid? DesiredReleaseId { get; init; }
        public Guid? CurrentReleaseId { get; init; }
        public int CrashCount { get; init; }
        public int? LastExitCode { get; init; }
        public DateTime? RestartNotBefore { get; init; }
    }

    private sealed record ReleaseRow
    {
        public Guid Id { get; init; }
        public string SourceKind { get; init; } = "image";
        public string Image { get; init; } = "";
        public string? ImageDigest { get; init; }
        public string? GitUrl { get; init; }
        public string? GitUrlSealed { get; init; }
        public string? GitRef { get; init; }
        public string Status { get; init; } = "";
        public string? FailureReason { get; init; }
        public int? Port { get; init; }
        public string EnvSnapshot { get; init; } = "{}";
        public int? MemoryMb { get; init; }
        public double? Cpus { get; init; }
        public int? PidsLimit { get; init; }
        public string? SecurityProfile { get; init; }
        public string? HealthPath { get; init; }
        public int? HealthTimeoutSeconds { get; init; }
        public int? HealthyThreshold { get; init; }
        public int? DeployDeadlineSeconds { get; init; }
        public int? DrainSeconds { get; init; }
        public int? StopTimeoutSeconds { get; init; }
        public bool? RunAsRoot { get; init; }
    }
}
