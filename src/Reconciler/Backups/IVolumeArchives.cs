namespace PersonalCloud.Reconciler.Backups;

/// <summary>
/// The engine's side of backups: a volume's files as a tar stream, a tar stream extracted into a volume, and the volumes
/// a restore or a verification makes. Implemented over the engine's archive API with a helper container that is created,
/// never started (<see cref="DockerVolumeArchives"/>), so no tool has to run inside it.
/// </summary>
public interface IVolumeArchives
{
    /// <summary>The volume's contents (its root as "./"), read through a helper container that mounts it read-only; disposing ends the read and removes the helper.</summary>
    Task<VolumeRead> ReadAsync(string dockerVolume, CancellationToken ct);

    /// <summary>Extracts <paramref name="tar"/> into the volume's root through a helper container that mounts it read-write.</summary>
    Task WriteAsync(string dockerVolume, Stream tar, CancellationToken ct);

    Task<bool> ExistsAsync(string dockerVolume, CancellationToken ct);

    Task CreateAsync(string dockerVolume, IReadOnlyDictionary<string, string> labels, CancellationToken ct);

    /// <summary>Removes a volume the backups made (a scratch or restore volume); a volume that is gone already is fine.</summary>
    Task RemoveAsync(string dockerVolume, CancellationToken ct);

    /// <summary>Removes helper containers and scratch volumes a killed reconciler left behind (called at start, when nothing runs).</summary>
    Task RemoveLeftoversAsync(CancellationToken ct);

    /// <summary>This instance's labelled app volumes (the volume-id label), for finding orphans.</summary>
    Task<IReadOnlyList<LabelledVolume>> ListAppVolumesAsync(CancellationToken ct);
}

public sealed record LabelledVolume(string DockerVolume, Guid VolumeId, Guid? AppId, string? AppName, string? VolumeName);

/// <summary>A stream of a volume's files; disposing it removes the helper container.</summary>
public sealed class VolumeRead(Stream stream, Func<ValueTask> cleanup) : IAsyncDisposable
{
    /// <summary>The engine keeps the helper (and the volume) busy until its archive has been sent: a read that stopped early is read to its end first, within this bound.</summary>
    public static readonly TimeSpan DrainLimit = TimeSpan.FromMinutes(5);

    public Stream Stream => stream;

    public async ValueTask DisposeAsync()
    {
        try
        {
            using var limit = new CancellationTokenSource(DrainLimit);
            await stream.CopyToAsync(Stream.Null, limit.Token);
        }
        catch (Exception e) when (e is IOException or HttpRequestException or OperationCanceledException)
        {
            // The connection is gone or too slow: the helper's removal below ends the transfer or fails on its own.
        }

        await stream.DisposeAsync();
        await cleanup();
    }
}
