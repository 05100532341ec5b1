using System.Collections.Concurrent;
using System.Text.Json;
using Dapper;
using Npgsql;
using PersonalCloud.Contracts.Secrets;
using PersonalCloud.Reconciler.Containers;

namespace PersonalCloud.Reconciler.Jobs;

/// <summary>
/// The release an app's runs start from: the one serving (apps.current_release_id), with its env opened. Releases are
/// immutable snapshots, so each is read and opened once; the image's user is asked of the engine once per digest.
/// </summary>
public sealed class RunReleases(NpgsqlDataSource db, SecretBox secrets, IContainerRuntime runtime)
{
    private const int MaxCached = 256;
    private readonly ConcurrentDictionary<Guid, RunRelease> _releases = new();
    private readonly ConcurrentDictionary<string, ResolvedImage> _images = new(StringComparer.Ordinal);

    /// <summary>The app's serving release, or null when it has none (never deployed, or its image digest is not known yet).</summary>
    public async Task<RunRelease?> ServingAsync(Guid appId, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var releaseId = await connection.ExecuteScalarAsync<Guid?>(new CommandDefinition(
            "SELECT current_release_id FROM apps WHERE id = @appId", new { appId }, cancellationToken: ct));
        if (releaseId is not { } id)
            return null;
        if (_releases.TryGetValue(id, out var cached))
            return cached;

        var row = await connection.QuerySingleOrDefaultAsync<ReleaseRow>(new CommandDefinition(
            """
            SELECT a.name AS app_name, r.id, r.image_digest, r.port, r.env_snapshot::text AS env_snapshot, r.memory_mb, r.cpus, r.pids_limit,
                   r.security_profile, r.stop_timeout_seconds, r.run_as_root, r.processes::text AS processes
            FROM releases r JOIN apps a ON a.id = r.app_id WHERE r.id = @id AND r.app_id = @appId
            """, new { id, appId }, cancellationToken: ct));
        if (row?.ImageDigest is not { } digest)
            return null;

        // A value that cannot be opened throws: a run never gets ciphertext as its env.
        var sealedEnv = JsonSerializer.Deserialize<Dictionary<string, string>>(row.EnvSnapshot) ?? [];
        var env = sealedEnv.ToDictionary(e => e.Key, e => secrets.Open(appId, e.Key, e.Value), StringComparer.Ordinal);
        var release = new RunRelease(appId, row.AppName, row.Id, digest, row.Port, env,
            new ContainerLimits((row.MemoryMb ?? 256) * 1024L * 1024L, row.Cpus ?? 0.5, row.PidsLimit ?? 256),
            row.SecurityProfile ?? Contracts.Apps.SecurityProfiles.Default, row.RunAsRoot ?? false,
            TimeSpan.FromSeconds(row.StopTimeoutSeconds ?? 10),
            row.Processes is null ? null : JsonSerializer.Deserialize<List<Contracts.Processes.ProcessDefinition>>(row.Processes, Desired.DesiredStateReader.SnapshotJson));
        if (_releases.Count >= MaxCached)
            _releases.Clear();
        _releases[id] = release;
        return release;
    }

    /// <summary>The serving release's image as the engine has it (never pulled or built again): its user and Procfile.</summary>
    public async Task<ResolvedImage> ImageAsync(RunRelease release, CancellationToken ct)
    {
        if (!_images.TryGetValue(release.ImageDigest, out var image))
        {
            image = await runtime.FindImageAsync(release.ImageDigest, ct)
                ?? throw new ImageUnavailableException($"the serving release's image {release.ImageDigest[..Math.Min(19, release.ImageDigest.Length)]} is no longer in the engine");
            if (_images.Count >= MaxCached)
                _images.Clear();
            _images[release.ImageDigest] = image;
        }

        return image;
    }

    /// <summary>Who the run's process is: as the app's containers run (<see cref="AppSandbox.UserFor"/>).</summary>
    public static string? UserFor(RunRelease release, ResolvedImage image) => AppSandbox.UserFor(image.User, release.RunAsRoot);

    private sealed record ReleaseRow
    {
        public string AppName { get; init; } = "";
        public Guid Id { get; init; }
        public string? ImageDigest { get; init; }
        public int? Port { get; init; }
        public string EnvSnapshot { get; init; } = "{}";
        public int? MemoryMb { get; init; }
        public double? Cpus { get; init; }
        public int? PidsLimit { get; init; }
        public string? SecurityProfile { get; init; }
        public int? StopTimeoutSeconds { get; init; }
        public bool? RunAsRoot { get; init; }
        public string? Processes { get; init; }
    }
}
