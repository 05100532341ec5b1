using PersonalCloud.Reconciler.Containers;
using PersonalCloud.Reconciler.Routing;

namespace PersonalCloud.Reconciler.Planning;

/// <summary>What the engine and the routing table say about one app right now.</summary>
/// <param name="CandidateHealthy">Whether the newest running container with the desired spec hash passed its health check
/// the required number of times in a row.</param>
public sealed record ObservedApp(
    IReadOnlyList<ObservedContainer> Containers,
    bool NetworkExists,
    ObservedRoute? Route,
    bool CandidateHealthy)
{
    /// <summary>Running containers that currently receive traffic (their address is in the route).</summary>
    public IReadOnlyList<ObservedContainer> Serving() =>
        Route is null
            ? []
            : Containers.Where(c => c.State == ContainerState.Running && c.IpAddress is { } ip && Route.Route.Upstreams.Any(u => u.StartsWith(ip + ":", StringComparison.Ordinal))).ToList();
}
