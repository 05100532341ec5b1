using PersonalCloud.Reconciler.Containers;
using PersonalCloud.Reconciler.Routing;

namespace PersonalCloud.Reconciler.Planning;

/// <summary>What the engine and the proxy say about one app right now.</summary>
/// <param name="CandidateHealthy">Whether the newest running container with the desired spec hash answered its health check.</param>
public sealed record ObservedApp(
    IReadOnlyList<ObservedContainer> Containers,
    bool NetworkExists,
    AppRoute? Route,
    bool CandidateHealthy);
