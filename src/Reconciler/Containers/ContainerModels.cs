namespace PersonalCloud.Reconciler.Containers;

public enum ContainerState
{
    Created,
    Running,
    Restarting,
    Paused,
    Exited,
    Dead,
    Removing,
    Unknown,
}

/// <summary>
/// What the engine says about one managed container, read back through its labels. <paramref name="StartError"/>: why
/// the engine refused to start it (a container left "created", e.g. its image's user does not exist), when it did.
/// <paramref name="OomKilled"/>: the kernel killed it for going over its memory limit (only an inspect tells);
/// <paramref name="LastLogLine"/>: what a stopped container printed last (often why it stopped).
/// <paramref name="Process"/>, <paramref name="ProcessKind"/> and <paramref name="Replica"/>: which replica of which process
/// it is (containers made before processes: web, 0); <paramref name="Kind"/>: its label (null when absent, see
/// <see cref="Contracts.Labels.ContainerLabels.Kind"/>).
/// </summary>
public sealed record ObservedContainer(
    string Id,
    string Name,
    Guid AppId,
    Guid? ReleaseId,
    string SpecHash,
    ContainerState State,
    int? ExitCode,
    string? IpAddress,
    DateTimeOffset CreatedAt,
    string? StartError = null,
    bool OomKilled = false,
    string? LastLogLine = null,
    string Process = Contracts.Processes.ProcessLimits.DefaultWebName,
    int Replica = 0,
    string? Kind = null,
    string ProcessKind = Contracts.Processes.ProcessKinds.Web)
{
    /// <summary>A replica of one of the app's processes: the app planner's own (no kind label, or "process").</summary>
    public bool IsProcess => Kind is null or Contracts.Labels.ContainerLabels.KindProcess;

    public bool IsReleaseCommand => Kind == Contracts.Labels.ContainerLabels.KindReleaseCommand;

    public bool IsWorker => ProcessKind == Contracts.Processes.ProcessKinds.Worker;
}

public sealed record ObservedNetwork(string Id, string Name, Guid? AppId);

/// <summary>An image this instance built from an app's source, read back through its labels (the release that built it).</summary>
public sealed record BuiltImage(string Id, Guid AppId, Guid? ReleaseId, IReadOnlyList<string> Tags);

/// <summary>
/// An image present in the engine: its immutable id, the TCP ports it declares, the user it names (empty: none) and the
/// Procfile its build context held (a label the platform's build stamps; null for none).
/// </summary>
public sealed record ResolvedImage(string Reference, string Id, IReadOnlyList<int> ExposedTcpPorts, string? User = null,
    Contracts.Processes.Procfile? Procfile = null);

public sealed record ContainerLimits(long MemoryBytes, double Cpus, long Pids);

/// <summary>
/// Everything needed to create one app container; the spec hash is a label so a changed spec means replace. One spec
/// per process (its replicas differ only in <see cref="Replica"/> and name); <see cref="Command"/> replaces the image's
/// CMD (as <c>sh -c</c>). A worker or a release command exposes no port and gets no PORT. <see cref="Volumes"/>: the
/// app's named volumes it mounts read-write; <see cref="RunsAs"/>: the user it runs as in the end (its own, else the image's),
/// for whom those volumes are made writable.
/// </summary>
public sealed record ContainerSpec(
    string Name,
    string ImageId,
    Guid AppId,
    string AppName,
    Guid ReleaseId,
    string SpecHash,
    string NetworkName,
    int Port,
    IReadOnlyDictionary<string, string> Environment,
    ContainerLimits Limits,
    string SecurityProfile,
    string? User = null,
    string Kind = Contracts.Labels.ContainerLabels.KindProcess,
    string Process = Contracts.Processes.ProcessLimits.DefaultWebName,
    string ProcessKind = Contracts.Processes.ProcessKinds.Web,
    int Replica = 0,
    string? Command = null,
    IReadOnlyList<Volumes.VolumeMount>? Volumes = null,
    string? RunsAs = null)
{
    /// <summary>Only a web process listens where traffic and health checks go.</summary>
    public bool ExposesPort => Kind == Contracts.Labels.ContainerLabels.KindProcess && ProcessKind == Contracts.Processes.ProcessKinds.Web;

    public IReadOnlyList<Volumes.VolumeMount> Mounts => Volumes ?? [];
}

/// <summary>
/// One line as the engine returned it: its timestamp in nanoseconds since the Unix epoch (exact, as the engine wrote it),
/// the stream, and the message; <paramref name="Truncated"/> when the line was longer than the collector keeps.
/// </summary>
public sealed record ContainerLogEntry(long UnixNanos, string Stream, string Message, bool Truncated = false)
{
    /// <summary>The timestamp to 100 ns (.NET's resolution); the exact value is <see cref="UnixNanos"/>.</summary>
    public DateTimeOffset Timestamp => DateTimeOffset.UnixEpoch.AddTicks(UnixNanos / TimeSpan.NanosecondsPerTick);
}

/// <param name="ExitCode">On <c>die</c>: the main process's exit code as the engine reports it (128 + n when signal n ended it).</param>
public sealed record ContainerEvent(Guid AppId, string ContainerId, string Action, int? ExitCode = null);

public sealed class ImageUnavailableException : Exception
{
    public ImageUnavailableException(string message, Exception? inner = null) : base(message, inner)
    {
    }
}

/// <summary>The engine refuses to create a container from this spec (e.g. more CPUs than the host has): it always will.</summary>
public sealed class ContainerRejectedException : Exception
{
    public ContainerRejectedException(string message, Exception? inner = null) : base(message, inner)
    {
    }
}

/// <summary>A process of the release to run and the spec of its replica 0 (<see cref="ContainerSpecs.ForReplica"/> gives the others).</summary>
public sealed record ProcessSpec(Desired.DesiredProcess Process, ContainerSpec Spec)
{
    public ContainerSpec ForReplica(int index) => ContainerSpecs.ForReplica(Spec, index);
}
