using PersonalCloud.Reconciler.Containers;

namespace PersonalCloud.Reconciler.Desired;

/// <summary>What the owner asked for, as read from Postgres in one pass, with the reconciler's own crash bookkeeping.</summary>
public sealed record DesiredApp(
    Guid Id,
    string Name,
    long Generation,
    int RestartGeneration,
    IReadOnlyList<string> Hostnames,
    DesiredRelease? Release,
    Guid? CurrentReleaseId,
    CrashState Crashes);

/// <summary>An immutable release snapshot: everything its containers run with (env opened).</summary>
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
    bool RunAsRoot = false);

public sealed record ReleaseHealth(string Path, TimeSpan Timeout, int HealthyThreshold, TimeSpan DeployDeadline);

/// <summary>Drain: how long an old container keeps running after traffic left it. Stop: SIGTERM to SIGKILL.</summary>
public sealed record RolloutTiming(TimeSpan Drain, TimeSpan StopTimeout);

/// <summary>How often the serving release's container has crashed lately, and when it may be started again.</summary>
public sealed record CrashState(int Count, int? LastExitCode, DateTimeOffset? RestartNotBefore)
{
    public static readonly CrashState None = new(0, null, null);
}
