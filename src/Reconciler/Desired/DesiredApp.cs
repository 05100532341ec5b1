using PersonalCloud.Contracts.Processes;
using PersonalCloud.Reconciler.Containers;

namespace PersonalCloud.Reconciler.Desired;

/// <summary>
/// What the owner asked for, as read from Postgres in one pass, with the reconciler's own crash bookkeeping per replica.
/// <paramref name="Replicas"/>: the live replica count of each process the owner defined (a scale changes it without a new release).
/// <paramref name="ServingRelease"/>: when the desired release failed, the release that still serves (read so its processes keep running).
/// </summary>
public sealed record DesiredApp(
    Guid Id,
    string Name,
    long Generation,
    int RestartGeneration,
    IReadOnlyList<string> Hostnames,
    DesiredRelease? Release,
    Guid? CurrentReleaseId,
    IReadOnlyDictionary<ReplicaKey, CrashState> Crashes,
    IReadOnlyDictionary<string, int>? Replicas = null,
    DesiredRelease? ServingRelease = null)
{
    /// <summary>How often one replica has crashed lately (none when never).</summary>
    public CrashState CrashesOf(string process, int replica) => Crashes.GetValueOrDefault(new ReplicaKey(process, replica), CrashState.None);
}

/// <summary>One replica of one process, as its crash bookkeeping and status are keyed.</summary>
public sealed record ReplicaKey(string Process, int Index);

/// <summary>
/// One process as it runs from a release: its definition combined with the image's Procfile, the live replica count,
/// and its limits (the app's where it has none of its own).
/// </summary>
public sealed record DesiredProcess(string Name, string Kind, string? Command, int Replicas, ContainerLimits Limits, string? LivenessCommand,
    string UpdateOrder = UpdateOrders.StartFirst)
{
    public bool IsWeb => Kind == ProcessKinds.Web;

    /// <summary>Its old replicas stop before the new ones start (a worker that must never run twice at once).</summary>
    public bool StopFirst => !IsWeb && UpdateOrder == UpdateOrders.StopFirst;

    /// <summary>What apps made before processes run: one web replica of the image's CMD with the release's limits.</summary>
    public static DesiredProcess DefaultWeb(ContainerLimits limits) =>
        new(ProcessLimits.DefaultWebName, ProcessKinds.Web, null, ProcessLimits.DefaultReplicas, limits, null);

    /// <summary>Adds nothing to the spec hash: exactly what a container made before processes ran.</summary>
    public bool IsDefaultWebFor(ContainerLimits limits) =>
        Name == ProcessLimits.DefaultWebName && IsWeb && Command is null && LivenessCommand is null && Limits == limits;

    public static DesiredProcess From(ResolvedProcess process, ContainerLimits app) => new(
        process.Name, process.Kind, process.Command, process.Replicas,
        new ContainerLimits(process.MemoryMb is { } mb ? mb * 1024L * 1024L : app.MemoryBytes, process.Cpus ?? app.Cpus, process.Pids ?? app.Pids),
        process.LivenessCommand, process.UpdateOrder);
}

/// <summary>
/// An immutable release snapshot: everything its containers run with (env opened), the processes as the API defined them
/// when it was made (null: a release from before processes, one web process), and its release command.
/// <paramref name="ReleaseCommandSucceeded"/>: the release command already ran and exited 0 (it runs once).
/// <paramref name="Volumes"/>: the volumes its processes mount (null: a release from before volumes, none).
/// </summary>
public sealed record DesiredRelease(
    Guid Id,
    string SourceKind,
    string Image,
    string? ImageDigest,
    string? GitUrl,
    string? GitRef,
    string Status,
    string? FailureReason,
    int? Port,
    IReadOnlyDictionary<string, string> Environment,
    ContainerLimits Limits,
    string SecurityProfile,
    ReleaseHealth Health,
    RolloutTiming Rollout,
    bool RunAsRoot = false,
    IReadOnlyList<ProcessDefinition>? Processes = null,
    string? ReleaseCommand = null,
    TimeSpan? ReleaseCommandTimeout = null,
    bool ReleaseCommandSucceeded = false,
    IReadOnlyList<Volumes.ReleaseVolume>? Volumes = null)
{
    public static readonly TimeSpan DefaultReleaseCommandTimeout = TimeSpan.FromSeconds(ProcessLimits.DefaultReleaseCommandTimeoutSeconds);
}

public sealed record ReleaseHealth(string Path, TimeSpan Timeout, int HealthyThreshold, TimeSpan DeployDeadline);

/// <summary>Drain: how long an old container keeps running after traffic left it. Stop: SIGTERM to SIGKILL.</summary>
public sealed record RolloutTiming(TimeSpan Drain, TimeSpan StopTimeout);

/// <summary>How often the serving release's container has crashed lately, and when it may be started again.</summary>
public sealed record CrashState(int Count, int? LastExitCode, DateTimeOffset? RestartNotBefore)
{
    public static readonly CrashState None = new(0, null, null);
}
