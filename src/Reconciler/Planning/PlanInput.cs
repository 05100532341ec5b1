using PersonalCloud.Reconciler.Containers;
using PersonalCloud.Reconciler.Desired;

namespace PersonalCloud.Reconciler.Planning;

/// <param name="Spec">The container the desired release implies; null when nothing is to run or its image is missing.</param>
/// <param name="ImageError">Why the desired release's image cannot be had, when it cannot.</param>
public sealed record PlanInput(Guid AppId, DesiredApp? Desired, ContainerSpec? Spec, string? ImageError, ObservedApp Observed, DateTimeOffset Now);
