using PersonalCloud.Reconciler.Containers;

namespace PersonalCloud.Reconciler.Desired;

/// <summary>What the owner asked for, as read from Postgres in one pass (env already opened).</summary>
public sealed record DesiredApp(
    Guid Id,
    string Name,
    long Generation,
    int RestartGeneration,
    int? Port,
    ContainerLimits Limits,
    string SecurityProfile,
    IReadOnlyList<string> Hostnames,
    IReadOnlyDictionary<string, string> Environment,
    DesiredRelease? Release,
    Guid? CurrentReleaseId,
    HealthCheckSpec Health);

public sealed record DesiredRelease(Guid Id, string Image, string Status, string? FailureReason);

public sealed record HealthCheckSpec(string Path, int IntervalSeconds);
