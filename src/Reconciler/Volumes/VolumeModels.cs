using PersonalCloud.Contracts.Volumes;

namespace PersonalCloud.Reconciler.Volumes;

/// <summary>
/// A volume as a release snapshots it (<c>releases.volumes</c>): null <paramref name="Processes"/> means every process.
/// <paramref name="SwitchedTo"/>: not in the snapshot; the Docker volume of a restore switched in (<c>volume_switches</c>), set by the reader.
/// </summary>
public sealed record ReleaseVolume(Guid Id, string Name, string MountPath, IReadOnlyList<string>? Processes = null, string? SwitchedTo = null)
{
    /// <summary>Whether <paramref name="process"/> mounts it (the release command mounts the volumes meant for every process).</summary>
    public bool MountedBy(string process) => Processes is null || Processes.Contains(process, StringComparer.Ordinal);
}

/// <summary>
/// One volume mounted into one container, read-write at <paramref name="MountPath"/>: the Docker volume of <paramref name="VolumeId"/>,
/// or the restored one switched in for it (<paramref name="SwitchedTo"/>).
/// </summary>
public sealed record VolumeMount(Guid VolumeId, string Name, string MountPath, string? SwitchedTo = null)
{
    public string DockerName => SwitchedTo ?? VolumeNames.DockerName(VolumeId);
}

/// <summary>A desired volume row with its app, as the volume monitor reads them all.</summary>
public sealed record DesiredVolume(Guid Id, Guid AppId, string AppName, string Name);

/// <summary>
/// A Docker volume labelled for this instance, read back through its labels; <paramref name="UsageBytes"/> and
/// <paramref name="RefCount"/> (containers that mount it, any state) come from the engine's disk-usage report (null: not measured).
/// </summary>
public sealed record ObservedVolume(string DockerName, Guid? VolumeId, Guid? AppId, string? AppName, string? Name, long? UsageBytes, long? RefCount);

/// <summary>What the reconciler last wrote about a volume (<c>volume_status</c>).</summary>
public sealed record VolumeStatus(Guid VolumeId, Guid AppId, string AppName, string Name, string DockerName, string State, string? Reason,
    long? UsageBytes, DateTimeOffset? MeasuredAt, string? Warning, string? PreparedFor);

/// <summary>The states a volume's status row takes.</summary>
public static class VolumeStates
{
    public const string Ready = "ready";
    public const string Missing = "missing";
    public const string Orphaned = "orphaned";
    public const string Removed = "removed";
}
