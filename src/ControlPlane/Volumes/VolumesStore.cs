using Dapper;
using Npgsql;
using PersonalCloud.Contracts.Apps;
using PersonalCloud.Contracts.Processes;
using PersonalCloud.Contracts.Validation;
using PersonalCloud.ControlPlane.Database;
using PersonalCloud.ControlPlane.Releases;

namespace PersonalCloud.ControlPlane.Volumes;

public enum VolumeChangeStatus
{
    Applied,
    AppNotFound,
    VolumeNotFound,

    /// <summary>The name is taken or the mount path overlaps another volume's.</summary>
    Conflict,

    /// <summary>A process the request names is not one of the app's.</summary>
    UnknownProcess,

    /// <summary>A delete without <c>?confirm=&lt;name&gt;</c>.</summary>
    Unconfirmed,
}

/// <param name="Message">For a conflict or an unknown process: what is wrong, in words.</param>
public sealed record VolumeChangeResult(VolumeChangeStatus Status, long Generation = 0, ReleaseRow? Release = null, string? Message = null);

/// <summary>A desired volume row (<c>app_volumes</c>).</summary>
public sealed record VolumeRow
{
    public Guid Id { get; init; }
    public string Name { get; init; } = "";
    public string MountPath { get; init; } = "";
    public string[]? Processes { get; init; }
    public DateTime CreatedAt { get; init; }
}

/// <summary>What the reconciler last saw of a volume (<c>volume_status</c>), desired row or not.</summary>
public sealed record VolumeStatusRow
{
    public Guid VolumeId { get; init; }
    public string Name { get; init; } = "";
    public string DockerName { get; init; } = "";
    public string State { get; init; } = "";
    public string? Reason { get; init; }
    public long? UsageBytes { get; init; }
    public DateTime? MeasuredAt { get; init; }
    public string? Warning { get; init; }
    public Guid AppId { get; init; }
    public string AppName { get; init; } = "";
}

/// <summary>
/// Reads and writes an app's volumes (desired state) under a lock on the app's row. Adding or deleting one makes a new
/// release of the same image (the mounts are part of the release snapshot), like a process change; deleting a row never
/// deletes data: the reconciler keeps the Docker volume until a final backup lets it go.
/// </summary>
public sealed class VolumesStore(NpgsqlDataSource db, TimeProvider time)
{
    private const string SelectVolume = "SELECT id, name, mount_path, processes, created_at FROM app_volumes";

    private const string SelectStatus =
        "SELECT volume_id, name, docker_name, state, reason, usage_bytes, measured_at, warning, app_id, app_name FROM volume_status";

    /// <summary>Null when the app is unknown. The status rows include volumes of the app deleted but still kept.</summary>
    public async Task<(IReadOnlyList<VolumeRow> Desired, IReadOnlyList<VolumeStatusRow> Observed)?> ReadAsync(Guid appId, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        if (await connection.QuerySingleOrDefaultAsync<int?>(new CommandDefinition("SELECT 1 FROM apps WHERE id = @appId", new { appId }, cancellationToken: ct)) is null)
            return null;
        var desired = await connection.QueryAsync<VolumeRow>(new CommandDefinition(SelectVolume + " WHERE app_id = @appId ORDER BY name", new { appId }, cancellationToken: ct));
        var observed = await connection.QueryAsync<VolumeStatusRow>(new CommandDefinition(SelectStatus + " WHERE app_id = @appId ORDER BY name", new { appId }, cancellationToken: ct));
        return (desired.AsList(), observed.AsList());
    }

    /// <summary>Every Docker volume the reconciler knows of that is not removed yet, for every app (deleted apps' included).</summary>
    public async Task<IReadOnlyList<VolumeStatusRow>> ReadAllStatusAsync(CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<VolumeStatusRow>(new CommandDefinition(
            SelectStatus + " WHERE state <> 'removed' ORDER BY app_name, name", cancellationToken: ct))).AsList();
    }

    public Task<VolumeChangeResult> CreateAsync(Guid appId, string name, string mountPath, IReadOnlyList<string>? processes, CancellationToken ct) =>
        ChangeAsync(appId, async (connection, tx, existing, now) =>
        {
            if (existing.Any(v => v.Name == name))
                return new VolumeChangeResult(VolumeChangeStatus.Conflict, Message: $"The app already has a volume named '{name}': pick another name, or delete it first.");
            if (existing.FirstOrDefault(v => VolumeRules.Overlap(v.MountPath, mountPath)) is { } other)
                return new VolumeChangeResult(VolumeChangeStatus.Conflict,
                    Message: $"'{mountPath}' overlaps the mount path of the volume '{other.Name}' ('{other.MountPath}'): one would hide the other. Pick a directory beside it.");
            if (processes is not null)
            {
                var known = await ProcessNamesAsync(connection, tx, appId);
                var unknown = processes.Where(p => !known.Contains(p)).ToList();
                if (unknown.Count > 0)
                {
                    return new VolumeChangeResult(VolumeChangeStatus.UnknownProcess,
                        Message: $"The app has no process {string.Join(", ", unknown.Select(n => $"'{n}'"))}; it has {(known.Count == 0 ? "none" : string.Join(", ", known.Order(StringComparer.Ordinal)))}. "
                            + "Name existing processes, or leave \"processes\" out to mount the volume into every process.");
                }
            }

            await connection.ExecuteAsync(
                "INSERT INTO app_volumes (id, app_id, name, mount_path, processes, created_at) VALUES (@id, @appId, @name, @mountPath, @processes, @now)",
                new { id = Guid.CreateVersion7(), appId, name, mountPath, processes = processes?.ToArray(), now }, tx);
            return null;
        }, ct);

    public Task<VolumeChangeResult> DeleteAsync(Guid appId, string name, string? confirm, CancellationToken ct) =>
        ChangeAsync(appId, async (connection, tx, existing, _) =>
        {
            if (existing.All(v => v.Name != name))
                return new VolumeChangeResult(VolumeChangeStatus.VolumeNotFound);
            if (!VolumeRules.Confirms(confirm, name))
                return new VolumeChangeResult(VolumeChangeStatus.Unconfirmed);
            await connection.ExecuteAsync("DELETE FROM app_volumes WHERE app_id = @appId AND name = @name", new { appId, name }, tx);
            return null;
        }, ct);

    /// <summary>The app's volume names (empty when it has none, null when the app is unknown), for the confirmation an app delete needs.</summary>
    public async Task<(string AppName, IReadOnlyList<string> Volumes)?> VolumesOfAppAsync(Guid appId, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var appName = await connection.QuerySingleOrDefaultAsync<string?>(new CommandDefinition("SELECT name FROM apps WHERE id = @appId", new { appId }, cancellationToken: ct));
        if (appName is null)
            return null;
        var names = await connection.QueryAsync<string>(new CommandDefinition("SELECT name FROM app_volumes WHERE app_id = @appId ORDER BY name", new { appId }, cancellationToken: ct));
        return (appName, names.AsList());
    }

    /// <summary>Runs <paramref name="change"/> under the app's row lock; it returns a result to stop, null to go on (a new release, or a new generation before the first deploy).</summary>
    private async Task<VolumeChangeResult> ChangeAsync(Guid appId,
        Func<NpgsqlConnection, NpgsqlTransaction, IReadOnlyList<VolumeRow>, DateTimeOffset, Task<VolumeChangeResult?>> change, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        if (await connection.QuerySingleOrDefaultAsync<int?>("SELECT 1 FROM apps WHERE id = @appId FOR UPDATE", new { appId }, tx) is null)
            return new VolumeChangeResult(VolumeChangeStatus.AppNotFound);
        var existing = (await connection.QueryAsync<VolumeRow>(SelectVolume + " WHERE app_id = @appId", new { appId }, tx)).AsList();
        var now = time.GetUtcNow();
        try
        {
            if (await change(connection, tx, existing, now) is { } stopped)
                return stopped;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            return new VolumeChangeResult(VolumeChangeStatus.Conflict, Message: "Another change to the app's volumes took the same name or mount path just now: read them again and retry.");
        }

        // The mounts are part of the release: a deployed app rolls out a new release of the same image (none before the first deploy).
        var release = await ReleaseSnapshots.InsertFromDesiredAsync(connection, tx, appId, ReleaseReasons.Volumes, now);
        var generation = release?.Generation ?? await DesiredStateChanges.BumpAsync(connection, tx, appId);
        if (generation is null)
            return new VolumeChangeResult(VolumeChangeStatus.AppNotFound);
        await tx.CommitAsync(ct);
        return new VolumeChangeResult(VolumeChangeStatus.Applied, generation.Value, release?.Release);
    }

    /// <summary>The app's processes: its definitions and the Procfile of the release on its way (else the serving one).</summary>
    private static async Task<HashSet<string>> ProcessNamesAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid appId)
    {
        var defined = await connection.QueryAsync<string>("SELECT name FROM app_processes WHERE app_id = @appId", new { appId }, tx);
        var procfileJson = await connection.QuerySingleOrDefaultAsync<string?>(
            """
            SELECT r.procfile::text FROM apps a JOIN releases r ON r.id IN (a.desired_release_id, a.current_release_id)
            WHERE a.id = @appId AND r.procfile IS NOT NULL
            ORDER BY (r.id = a.desired_release_id AND r.status <> 'failed') DESC LIMIT 1
            """, new { appId }, tx);
        var declared = Procfile.FromJson(procfileJson)?.Processes.Keys ?? [];
        return defined.Concat(declared.Where(n => n != ProcessLimits.ReleaseEntry)).ToHashSet(StringComparer.Ordinal);
    }
}
