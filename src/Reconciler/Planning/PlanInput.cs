using PersonalCloud.Reconciler.Containers;
using PersonalCloud.Reconciler.Desired;

namespace PersonalCloud.Reconciler.Planning;

/// <param name="Processes">The desired release's processes with their specs; null when nothing is to run or its image is missing.</param>
/// <param name="ImageError">Why the desired release's image cannot be had, when it cannot.</param>
/// <param name="ReleaseCommand">The desired release's release command container, when it has one.</param>
/// <param name="Fallback">When the desired release failed: the release that still serves, planned as the serving one
/// (its crashed replicas restart, a scale applies to it).</param>
public sealed record PlanInput(
    Guid AppId,
    DesiredApp? Desired,
    IReadOnlyList<ProcessSpec>? Processes,
    string? ImageError,
    ObservedApp Observed,
    DateTimeOffset Now,
    ContainerSpec? ReleaseCommand = null,
    ServingFallback? Fallback = null);

/// <summary>The release that keeps serving after a newer one failed, with the specs of its processes.</summary>
public sealed record ServingFallback(DesiredRelease Release, IReadOnlyList<ProcessSpec> Processes);
