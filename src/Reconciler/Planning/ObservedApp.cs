using PersonalCloud.Reconciler.Containers;
using PersonalCloud.Reconciler.Routing;

namespace PersonalCloud.Reconciler.Planning;

/// <summary>What the engine and the routing table say about one app right now.</summary>
/// <param name="Containers">The replicas of the app's processes (kind absent or "process"): the planner's own.</param>
/// <param name="Ready">Containers that passed their gate: a web replica its health check (the required number of times in a
/// row), a worker its liveness command once.</param>
/// <param name="ReleaseCommands">Containers running (or that ran) a release's release command.</param>
/// <param name="Others">The app's containers of other kinds (one-off runs, cron jobs): never touched, except when the app is deleted.</param>
public sealed record ObservedApp(
    IReadOnlyList<ObservedContainer> Containers,
    bool NetworkExists,
    ObservedRoute? Route,
    IReadOnlySet<string> Ready,
    IReadOnlyList<ObservedContainer>? ReleaseCommands = null,
    IReadOnlyList<ObservedContainer>? Others = null)
{
    /// <summary>Running containers that currently receive traffic (their address is in the route).</summary>
    public IReadOnlyList<ObservedContainer> Serving() =>
        Route is null
            ? []
            : Containers.Where(c => c.State == ContainerState.Running && c.IpAddress is { } ip && Route.Route.Upstreams.Any(u => u.StartsWith(ip + ":", StringComparison.Ordinal))).ToList();

    /// <summary>Whether <paramref name="container"/>'s address is in the route (at any port).</summary>
    public bool InRoute(ObservedContainer container) =>
        Route is not null && container.IpAddress is { } ip && Route.Route.Upstreams.Any(u => u.StartsWith(ip + ":", StringComparison.Ordinal));

    /// <summary>Splits what the engine lists for one app by kind: the app's process replicas, release commands, and the rest.</summary>
    public static ObservedApp From(IReadOnlyList<ObservedContainer> all, bool networkExists, ObservedRoute? route, IReadOnlySet<string> ready) =>
        new(all.Where(c => c.IsProcess).ToList(), networkExists, route, ready,
            all.Where(c => c.IsReleaseCommand).ToList(), all.Where(c => !c.IsProcess && !c.IsReleaseCommand).ToList());
}
