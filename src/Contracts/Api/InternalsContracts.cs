using System.Text.Json;

namespace PersonalCloud.Contracts.Api;

/// <summary>GET /api/apps/{id}/internals: what the platform did and runs for an app, for the dashboard's "under the hood" view.</summary>
/// <param name="Containers">The app's containers as the reconciler recorded them, newest first.</param>
/// <param name="DnsAnswers">What the DNS responder answers Caddy for each of the app's hostnames, as zone-file lines.</param>
/// <param name="CaddyConfig">Caddy's whole <c>/config/apps</c> as the reconciler last loaded or verified it; null before it did.</param>
/// <param name="CaddyRouteNote">Why the app appears nowhere in <paramref name="CaddyConfig"/>.</param>
public sealed record AppInternalsResponse(
    Guid AppId,
    IReadOnlyList<ContainerLifecycleResponse> Containers,
    LastPlanResponse LastPlan,
    RouteInternalsResponse? Route,
    IReadOnlyList<string> DnsAnswers,
    JsonElement? CaddyConfig,
    DateTimeOffset? CaddyConfigUpdatedAt,
    string CaddyRouteNote,
    NetworkInternalsResponse Network);

/// <summary>One container's life: created → started → healthy → serving → draining → removed (null: not (yet) reached).</summary>
/// <param name="DockerRun">The equivalent `docker run`; env values appear as references (<c>--env KEY</c>), never values.</param>
/// <param name="Process">The process it runs (<c>release</c> for the release command).</param>
/// <param name="Replica">Which replica of its process, from 0.</param>
/// <param name="Kind"><c>web</c>, <c>worker</c> or <c>release-command</c>.</param>
public sealed record ContainerLifecycleResponse(
    string ContainerId,
    string Name,
    Guid? ReleaseId,
    string? IpAddress,
    string Network,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? HealthyAt,
    DateTimeOffset? ServingAt,
    DateTimeOffset? DrainingAt,
    DateTimeOffset? RemovedAt,
    int? ExitCode,
    string? RemovalReason,
    StageDurationsResponse Durations,
    string DockerRun,
    string Process,
    int Replica,
    string Kind);

/// <summary>Milliseconds between consecutive stages; null when either stage has not happened.</summary>
public sealed record StageDurationsResponse(
    long? CreatedToStartedMs,
    long? StartedToHealthyMs,
    long? HealthyToServingMs,
    long? ServingToDrainingMs,
    long? DrainingToRemovedMs);

/// <summary>The reconciler's actions for the newest generation it journaled (oldest first), and where the app stands now.</summary>
public sealed record LastPlanResponse(long? Generation, IReadOnlyList<PlanActionResponse> Actions, CurrentReasonResponse CurrentReason);

public sealed record PlanActionResponse(string Action, string Reason, string Outcome, string? Error, int DurationMs, DateTimeOffset At);

public sealed record CurrentReasonResponse(string Status, string? LastError, long Generation, long ObservedGeneration);

/// <summary>The app's row in the routing table the DNS responder serves.</summary>
public sealed record RouteInternalsResponse(IReadOnlyList<string> Hostnames, IReadOnlyList<string> Upstreams, DateTimeOffset UpdatedAt);

/// <summary>The app's own bridge network and the addresses of its containers that still exist.</summary>
public sealed record NetworkInternalsResponse(string Name, IReadOnlyList<NetworkAddressResponse> Containers);

/// <param name="Process">The process it runs, as in <see cref="ContainerLifecycleResponse.Process"/>.</param>
public sealed record NetworkAddressResponse(string ContainerId, string Name, string? IpAddress, string? Process = null, int? Replica = null, string? Kind = null);
