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
    string? LastLogLine = null);

public sealed record ObservedNetwork(string Id, string Name, Guid? AppId);

/// <summary>An image present in the engine: its immutable id, the TCP ports it declares and the user it names (empty: none).</summary>
public sealed record ResolvedImage(string Reference, string Id, IReadOnlyList<int> ExposedTcpPorts, string? User = null);

public sealed record ContainerLimits(long MemoryBytes, double Cpus, long Pids);

/// <summary>Everything needed to create one app container; the spec hash is a label so a changed spec means replace.</summary>
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
    string? User = null);

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
