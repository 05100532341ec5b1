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
        var replicas = await connection.QueryAsync<(string Name, int Replicas)>(new CommandDefinition(
            "SELECT name, replicas FROM app_processes WHERE app_id = @appId", new { appId }, cancellationToken: ct));
        var crashes = await connection.QueryAsync<CrashRow>(new CommandDefinition(
            "SELECT process, replica, crash_count, last_exit_code, restart_not_before FROM process_replicas WHERE app_id = @appId AND crash_count > 0",
            new { appId }, cancellationToken: ct));
        var release = app.DesiredReleaseId is { } releaseId ? await ReadReleaseAsync(connection, appId, releaseId, ct) : null;
        // A failed deploy leaves the app on the release that served: it is read too, to keep its processes running.
        var serving = release is { Status: Contracts.Apps.ReleaseStatus.Failed } && app.CurrentReleaseId is { } currentId && currentId != release.Id
            ? await ReadReleaseAsync(connection, appId, currentId, ct)
            : null;

        return new DesiredApp(
            app.Id,
            app.Name,
            app.Generation,
            app.RestartGeneration,
            [app.GeneratedHostname, .. domains],
            release,
            app.CurrentReleaseId,
            crashes.ToDictionary(c => new ReplicaKey(c.Process, c.Replica), c => new CrashState(c.CrashCount, c.LastExitCode, Utc(c.RestartNotBefore))),
            replicas.ToDictionary(r => r.Name, r => r.Replicas, StringComparer.Ordinal),
            serving);
    }

    private async Task<DesiredRelease?> ReadReleaseAsync(NpgsqlConnection connection, Guid appId, Guid releaseId, CancellationToken ct)
    {
        var row = await connection.QuerySingleOrDefaultAsync<ReleaseRow>(new CommandDefinition(
            """
            SELECT id, source_kind, image, image_digest, git_url, git_url_sealed, git_ref, status, failure_reason, port, env_snapshot::text AS env_snapshot,
                   memory_mb, cpus, pids_limit, security_profile, health_path, health_timeout_seconds, healthy_threshold,
                   deploy_deadline_seconds, drain_seconds, stop_timeout_seconds, run_as_root, processes::text AS processes,
                   release_command, release_command_timeout_seconds, release_command_succeeded_at IS NOT NULL AS release_command_succeeded,
                   volumes::text AS volumes
            FROM releases WHERE id = @releaseId
            """, new { releaseId }, cancellationToken: ct));
        if (row is null)
            return null;
        var release = ToDesired(appId, row);
        if (release.Volumes is not { Count: > 0 } volumes)
            return release;
        // A restore switched in replaces the Docker volume its app volume mounts (Backups: volume_switches).
        var switches = (await connection.QueryAsync<(Guid VolumeId, string DockerVolume)>(new CommandDefinition(
            "SELECT volume_id, docker_volume FROM volume_switches WHERE app_id = @appId", new { appId }, cancellationToken: ct)))
            .ToDictionary(s => s.VolumeId, s => s.DockerVolume);
        return switches.Count == 0 ? release : release with
        {
            Volumes = volumes.Select(v => switches.TryGetValue(v.Id, out var to) ? v with { SwitchedTo = to } : v).ToList(),
        };
    }

    private static DateTimeOffset? Utc(DateTime? value) => value is { } t ? new DateTimeOffset(DateTime.SpecifyKind(t, DateTimeKind.Utc)) : null;

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
            r.RunAsRoot ?? false,
            r.Processes is null ? null : JsonSerializer.Deserialize<List<Contracts.Processes.ProcessDefinition>>(r.Processes, SnapshotJson),
            r.ReleaseCommand,
            r.ReleaseCommandTimeoutSeconds is { } timeout ? TimeSpan.FromSeconds(timeout) : null,
            r.ReleaseCommandSucceeded,
            r.Volumes is null ? null : JsonSerializer.Deserialize<List<Volumes.ReleaseVolume>>(r.Volumes, SnapshotJson));
    }

    /// <summary>How the API writes a release's process snapshot (camelCase, as ASP.NET Core's web defaults).</summary>
    public static readonly JsonSerializerOptions SnapshotJson = new(JsonSerializerDefaults.Web);

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

    private sealed record CrashRow
    {
        public string Process { get; init; } = "";
        public int Replica { get; init; }
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
        public string? Processes { get; init; }
        public string? ReleaseCommand { get; init; }
        public int? ReleaseCommandTimeoutSeconds { get; init; }
        public bool ReleaseCommandSucceeded { get; init; }
        public string? Volumes { get; init; }
    }
}
