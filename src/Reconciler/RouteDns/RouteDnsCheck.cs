using PersonalCloud.Contracts.Health;
using PersonalCloud.Reconciler.Heartbeats;
using PersonalCloud.Reconciler.Routing;

namespace PersonalCloud.Reconciler.RouteDns;

/// <summary>The responder's row: it answers its own UDP port, and with a table read from Postgres.</summary>
public sealed class RouteDnsCheck(RouteCache cache, RouteCacheSync sync, RouteDnsProbe probe) : IComponentCheck
{
    public string Name => PlatformComponents.RouteDns;

    public bool OwnedByThisProcess => true;

    public async Task<string?> ProblemAsync(CancellationToken ct)
    {
        if (!cache.Loaded.IsCompleted)
            return "the route DNS responder has no routing table yet (Postgres unreachable and no saved copy): Caddy cannot route any app";
        if (!await probe.AnswersAsync(ct))
            return "the route DNS responder does not answer on its UDP port: Caddy cannot route any app; see logs/route-dns.log";
        if (sync.LastError is { } error)
            return $"the route DNS responder serves its last good table but cannot read Postgres ({error}): route changes wait";
        return null;
    }
}
