using PersonalCloud.Reconciler.Routing;

namespace PersonalCloud.Reconciler.RouteDns;

/// <summary>
/// The route DNS responder's read-only copy of the routing table: reloaded whole from Postgres, saved to disk after
/// each change, read back from disk at start. A failed load keeps the last good table.
/// </summary>
public sealed partial class RouteCache(RouteTable table, RouteSnapshotFile file, TimeProvider time, ILogger<RouteCache> logger) : IRouteSource
{
    private readonly TaskCompletionSource _loaded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private RouteSnapshot _snapshot = RouteSnapshot.Empty;
    private IReadOnlyList<StoredRoute>? _saved;

    public RouteSnapshot Snapshot => Volatile.Read(ref _snapshot);

    public Task Loaded => _loaded.Task;

    /// <summary>When the table last came from Postgres; null while it comes from the saved file (or nowhere).</summary>
    public DateTimeOffset? LoadedFromDatabaseAt { get; private set; }

    /// <summary>At start: the saved table, if any, so the responder can answer before Postgres does.</summary>
    public void LoadSaved()
    {
        if (file.TryRead() is not { } routes)
        {
            LogNoSavedTable(logger, file.Path);
            return;
        }

        Volatile.Write(ref _snapshot, RouteSnapshot.Create(routes));
        _saved = routes;
        _loaded.TrySetResult();
        LogLoadedSaved(logger, routes.Count, file.Path);
    }

    /// <summary>Replaces the table with Postgres's and saves it when it changed. A failed read throws and keeps the old one.</summary>
    public async Task ReloadAsync(CancellationToken ct)
    {
        await table.LoadAsync(ct);
        var snapshot = table.Snapshot;
        Volatile.Write(ref _snapshot, snapshot);
        LoadedFromDatabaseAt = time.GetUtcNow();
        if (_loaded.TrySetResult())
            LogLoaded(logger, snapshot.Count);

        var routes = snapshot.Routes.OrderBy(r => r.AppId).ToList();
        if (_saved is null || !routes.SequenceEqual(_saved.OrderBy(r => r.AppId), StoredRouteComparer.Instance))
        {
            try
            {
                file.Write(routes);
                _saved = routes;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Serving goes on from memory; only a restart during a Postgres outage would miss the newest table.
                LogSaveFailed(logger, file.Path, e);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Routing table loaded from Postgres: {Count} routes")]
    private static partial void LogLoaded(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Routing table read from {Path}: {Count} routes, answering from it until Postgres answers")]
    private static partial void LogLoadedSaved(ILogger logger, int count, string path);

    [LoggerMessage(Level = LogLevel.Information, Message = "No saved routing table at {Path}: answering once Postgres was read")]
    private static partial void LogNoSavedTable(ILogger logger, string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not save the routing table to {Path}")]
    private static partial void LogSaveFailed(ILogger logger, string path, Exception exception);

    /// <summary>Value equality of routes, lists compared element by element (records compare lists by reference).</summary>
    private sealed class StoredRouteComparer : IEqualityComparer<StoredRoute>
    {
        public static readonly StoredRouteComparer Instance = new();

        public bool Equals(StoredRoute? x, StoredRoute? y) =>
            x is not null && y is not null && x.AppId == y.AppId && x.AppName == y.AppName && x.UpdatedAt == y.UpdatedAt
            && x.AppCreatedAt == y.AppCreatedAt && x.Hostnames.SequenceEqual(y.Hostnames) && x.Upstreams.SequenceEqual(y.Upstreams);

        public int GetHashCode(StoredRoute obj) => obj.AppId.GetHashCode();
    }
}
