using System.Collections.Frozen;

namespace PersonalCloud.Reconciler.Routing;

/// <summary>
/// An immutable copy of the routing table with a hostname index, swapped whole so the DNS responder never sees half
/// a change. A hostname belongs to one app: when two claim it, the older app wins (a deleted app's row loses).
/// </summary>
public sealed class RouteSnapshot
{
    private readonly FrozenDictionary<Guid, StoredRoute> _byApp;
    private readonly FrozenDictionary<string, StoredRoute> _byHostname;

    private RouteSnapshot(IEnumerable<StoredRoute> routes)
    {
        _byApp = routes.ToFrozenDictionary(route => route.AppId);
        var owners = new Dictionary<string, StoredRoute>(StringComparer.Ordinal);
        var ignored = new List<(string, Guid)>();
        foreach (var route in _byApp.Values.OrderBy(r => r.AppCreatedAt ?? DateTimeOffset.MaxValue).ThenBy(r => r.AppId))
        {
            foreach (var hostname in StoredRoute.NormalizeHostnames(route.Hostnames))
            {
                if (!owners.TryAdd(hostname, route))
                    ignored.Add((hostname, route.AppId));
            }
        }

        _byHostname = owners.ToFrozenDictionary(StringComparer.Ordinal);
        IgnoredClaims = ignored;
    }

    public static RouteSnapshot Empty { get; } = new([]);

    public int Count => _byApp.Count;

    public IEnumerable<StoredRoute> Routes => _byApp.Values;

    /// <summary>Hostnames an app claims but another, older app owns: that app does not get their traffic.</summary>
    public IReadOnlyList<(string Hostname, Guid AppId)> IgnoredClaims { get; }

    public static RouteSnapshot Create(IEnumerable<StoredRoute> routes) => new(routes);

    public StoredRoute? Get(Guid appId) => _byApp.GetValueOrDefault(appId);

    /// <summary>The app whose traffic <paramref name="hostname"/> is (any case, trailing dot or not); null when none.</summary>
    public StoredRoute? OwnerOf(string hostname) => _byHostname.GetValueOrDefault(StoredRoute.NormalizeHostname(hostname));

    public RouteSnapshot With(StoredRoute route) =>
        new(_byApp.Values.Where(r => r.AppId != route.AppId).Append(route));

    public RouteSnapshot Without(IReadOnlyCollection<Guid> appIds) =>
        appIds.Count == 0 ? this : new(_byApp.Values.Where(r => !appIds.Contains(r.AppId)));
}
