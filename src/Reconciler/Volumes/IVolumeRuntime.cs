namespace PersonalCloud.Reconciler.Volumes;

/// <summary>
/// The engine's side of volumes. Reads throw on failure (a failed list is never "no volumes", which would look like
/// every volume had gone); a create of an existing volume and a remove of a missing one are success.
/// </summary>
public interface IVolumeRuntime
{
    /// <summary>Creates the Docker volume (local driver, no options) labelled with instance, app and volume when it is missing.</summary>
    Task EnsureVolumeAsync(Guid volumeId, string name, Guid appId, string appName, CancellationToken ct);

    /// <summary>This instance's volumes, each with its usage and how many containers mount it (the engine's /system/df).</summary>
    Task<IReadOnlyList<ObservedVolume>> ListManagedVolumesAsync(CancellationToken ct);

    /// <summary>
    /// Makes the volume's root directory owned by the user <paramref name="user"/> of image <paramref name="imageId"/>
    /// (a name is looked up in the image's /etc/passwd), as the app's first container would see it: a helper container
    /// is created from that image with the volume at <paramref name="mountPath"/> (the engine copies the image's content
    /// up then) and never started; the engine applies a one-entry archive to the mount point. Returns the uid:gid.
    /// </summary>
    Task<string> PrepareOwnerAsync(VolumeMount volume, string imageId, string user, CancellationToken ct);

    /// <summary>Removes the Docker volume; false when the engine refuses because a container still uses it.</summary>
    Task<bool> RemoveVolumeAsync(string dockerName, CancellationToken ct);
}
