using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;

namespace PersonalCloud.Reconciler.Routing;

/// <summary>
/// The act step for routing: reads Caddy's routes, changes one app's entry (or prunes unknown apps), and loads the
/// result only when it differs, since every load is a Caddy reload that drops connections.
/// </summary>
public sealed partial class RouteTable(ICaddyAdmin admin, RoutingSettings settings, ILogger<RouteTable> logger) : IDisposable
{
    // Every change is a read-modify-write of the whole /config/apps object, so one at a time.
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>Sets (or with <paramref name="desired"/> null removes) the route of one app. True when Caddy was reloaded.</summary>
    public Task<bool> ApplyAsync(Guid appId, AppRoute? desired, CancellationToken cancellationToken)
    {
        if (desired is not null && desired.AppId != appId)
        {
            throw new ArgumentException($"Route is for app {desired.AppId}, not {appId}.", nameof(desired));
        }

        return ChangeAsync(
            routes =>
            {
                var others = routes.Where(route => route.AppId != appId).ToList();
                return desired is null ? others : [.. others, desired];
            },
            appId,
            desired is null ? "remove" : "apply",
            cancellationToken);
    }

    /// <summary>
    /// Removes the routes of every app not in <paramref name="knownAppIds"/>. True when Caddy was reloaded.
    /// Callers must pass the apps read from the database, never an empty set standing in for a failed read.
    /// </summary>
    public Task<bool> PruneAsync(IReadOnlySet<Guid> knownAppIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(knownAppIds);
        return ChangeAsync(
            routes => routes.Where(route => knownAppIds.Contains(route.AppId)).ToList(),
            appId: null,
            "prune",
            cancellationToken);
    }

    /// <summary>The route Caddy currently has for the app, or null when it has none. A failed read throws.</summary>
    public async Task<AppRoute?> GetAsync(Guid appId, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var (apps, _) = await admin.GetAppsAsync(cancellationToken);
            return CaddyRouteReader.Read(apps).FirstOrDefault(route => route.AppId == appId);
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();

    private async Task<bool> ChangeAsync(
        Func<IReadOnlyList<AppRoute>, IReadOnlyList<AppRoute>> change,
        Guid? appId,
        string action,
        CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            // A failed read throws here: treating it as "no routes" would delete every other app's route.
            var (current, etag) = await admin.GetAppsAsync(cancellationToken);
            var desired = CaddyConfigBuilder.Build(settings, change(CaddyRouteReader.Read(current)));

            if (JsonNode.DeepEquals(current, JsonNode.Parse(CaddyConfigBuilder.Serialize(desired))))
            {
                return false;
            }

            await admin.LoadAppsAsync(desired, etag, cancellationToken);
            LogReloaded(logger, action, appId);
            return true;
        }
        finally
        {
            _gate.Release();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Caddy routes changed ({Action}) for app {AppId}; Caddy reloaded")]
    private static partial void LogReloaded(ILogger logger, string action, Guid? appId);
}
