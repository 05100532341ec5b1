using Dapper;
using Npgsql;

namespace PersonalCloud.Reconciler.Routing;

/// <summary>
/// The routing table: which hostnames each app answers and which container addresses get its traffic. Stored in
/// Postgres (table <c>routes</c>) so a restarted reconciler serves the same routes, and mirrored in memory as an
/// immutable <see cref="RouteSnapshot"/> that <see cref="RouteDnsServer"/> answers Caddy from.
/// </summary>
public sealed partial class RouteTable(NpgsqlDataSource db, TimeProvider time, ILogger<RouteTable> logger) : IRouteSource, IDisposable
{
    private const string SelectRoutes = """
        SELECT r.app_id AS AppId, r.app_name AS AppName, r.hostnames AS Hostnames, r.upstreams AS Upstreams,
               r.updated_at AS UpdatedAt, a.created_at AS AppCreatedAt
        FROM routes r LEFT JOIN apps a ON a.id = r.app_id
        """;

    // Writes and loads one at a time, so the snapshot is swapped in the order Postgres saw the changes.
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly TaskCompletionSource _loaded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private RouteSnapshot _snapshot = RouteSnapshot.Empty;

    /// <summary>The routes as of the last change; read without locks by the DNS responder.</summary>
    public RouteSnapshot Snapshot => Volatile.Read(ref _snapshot);

    /// <summary>Completes at the first successful <see cref="LoadAsync"/>: before it, the snapshot may miss routes.</summary>
    public Task Loaded => _loaded.Task;

    /// <summary>The app's stored route and when its upstreams last changed; null when it has none. A failed read throws.</summary>
    public async Task<ObservedRoute?> GetAsync(Guid appId, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<RouteRow>(
            new CommandDefinition(SelectRoutes + " WHERE r.app_id = @appId", new { appId }, cancellationToken: cancellationToken));
        return row?.ToStoredRoute().Observed;
    }

    /// <summary>
    /// Stores (or with <paramref name="desired"/> null removes) one app's route, then serves it. True when anything
    /// changed; <c>updated_at</c> moves only when the upstream set does.
    /// </summary>
    public async Task<bool> ApplyAsync(Guid appId, AppRoute? desired, CancellationToken cancellationToken)
    {
        if (desired is not null && desired.AppId != appId)
            throw new ArgumentException($"Route is for app {desired.AppId}, not {appId}.", nameof(desired));

        await _gate.WaitAsync(cancellationToken);
        try
        {
            return desired is null ? await RemoveAsync([appId], cancellationToken) > 0 : await UpsertAsync(desired, cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Takes a container that died out of its app's route at once (its address as recorded in <c>app_containers</c>),
    /// so Caddy stops dialling a dead address before any pass runs. Returns the upstreams removed; empty when the route
    /// did not point at it (a draining or never-routed container).
    /// </summary>
    public async Task<DroppedUpstreams> DropContainerAsync(Guid appId, string containerId, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await using var connection = await db.OpenConnectionAsync(cancellationToken);
            await using var tx = await connection.BeginTransactionAsync(cancellationToken);
            var current = await connection.QuerySingleOrDefaultAsync<RouteRow>(new CommandDefinition(
                SelectRoutes + " WHERE r.app_id = @appId FOR UPDATE OF r", new { appId }, tx, cancellationToken: cancellationToken));
            var ip = current is null ? null : await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition(
                "SELECT ip_address FROM app_containers WHERE container_id = @containerId AND app_id = @appId", new { containerId, appId }, tx, cancellationToken: cancellationToken));
            if (current is null || ip is null)
                return DroppedUpstreams.None;

            var stored = current.ToStoredRoute();
            var dropped = stored.Upstreams.Where(u => u.StartsWith(ip + ":", StringComparison.Ordinal)).ToList();
            if (dropped.Count == 0)
                return DroppedUpstreams.None;
            var next = StoredRoute.Next(stored, new AppRoute(appId, stored.AppName, stored.Hostnames, stored.Upstreams.Except(dropped).ToList()), time.GetUtcNow(), null)!;
            await WriteAsync(connection, tx, next, cancellationToken);
            await tx.CommitAsync(cancellationToken);

            Swap(Snapshot.With(next));
            LogDropped(logger, appId, containerId, string.Join(",", dropped));
            return new DroppedUpstreams(dropped, next.Upstreams.Count);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Removes the routes of every app not in <paramref name="knownAppIds"/>. True when any was removed.
    /// Callers must pass the apps read from the database, never an empty set standing in for a failed read.
    /// </summary>
    public async Task<bool> PruneAsync(IReadOnlySet<Guid> knownAppIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(knownAppIds);
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await using var connection = await db.OpenConnectionAsync(cancellationToken);
            var removed = (await connection.QueryAsync<Guid>(new CommandDefinition(
                "DELETE FROM routes WHERE app_id <> ALL(@known) RETURNING app_id",
                new { known = knownAppIds.ToArray() },
                cancellationToken: cancellationToken))).ToList();
            if (removed.Count == 0)
                return false;

            Swap(Snapshot.Without(removed));
            LogPruned(logger, removed.Count);
            return true;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Replaces the in-memory table with Postgres's. A failed read throws and keeps serving the old one.</summary>
    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await using var connection = await db.OpenConnectionAsync(cancellationToken);
            var rows = await connection.QueryAsync<RouteRow>(new CommandDefinition(SelectRoutes, cancellationToken: cancellationToken));
            var snapshot = RouteSnapshot.Create(rows.Select(row => row.ToStoredRoute()));
            Swap(snapshot);
            if (!_loaded.Task.IsCompleted)
            {
                LogLoaded(logger, snapshot.Count);
                _loaded.TrySetResult();
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();

    private async Task<bool> UpsertAsync(AppRoute desired, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken);
        var current = await connection.QuerySingleOrDefaultAsync<RouteRow>(new CommandDefinition(
            SelectRoutes + " WHERE r.app_id = @appId FOR UPDATE OF r", new { appId = desired.AppId }, tx, cancellationToken: cancellationToken));
        var appCreatedAt = current is null
            ? await connection.QuerySingleOrDefaultAsync<DateTime?>(new CommandDefinition(
                "SELECT created_at FROM apps WHERE id = @appId", new { appId = desired.AppId }, tx, cancellationToken: cancellationToken))
            : null;

        var next = StoredRoute.Next(current?.ToStoredRoute(), desired, time.GetUtcNow(), Utc(appCreatedAt));
        if (next is null)
            return false;

        await WriteAsync(connection, tx, next, cancellationToken);
        await tx.CommitAsync(cancellationToken);

        var snapshot = Snapshot.With(next);
        Swap(snapshot);
        LogApplied(logger, next.AppId, string.Join(",", next.Hostnames), next.Upstreams.Count == 0 ? "(none: 503)" : string.Join(",", next.Upstreams));
        foreach (var (hostname, _) in snapshot.IgnoredClaims.Where(claim => claim.AppId == next.AppId))
            LogHostnameTaken(logger, next.AppId, hostname, snapshot.OwnerOf(hostname)!.AppId);
        return true;
    }

    private static Task WriteAsync(NpgsqlConnection connection, NpgsqlTransaction tx, StoredRoute next, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO routes (app_id, app_name, hostnames, upstreams, updated_at)
            VALUES (@AppId, @AppName, @Hostnames, @Upstreams, @UpdatedAt)
            ON CONFLICT (app_id) DO UPDATE SET app_name = excluded.app_name, hostnames = excluded.hostnames,
                upstreams = excluded.upstreams, updated_at = excluded.updated_at
            """,
            new { next.AppId, next.AppName, Hostnames = next.Hostnames.ToArray(), Upstreams = next.Upstreams.ToArray(), UpdatedAt = next.UpdatedAt.UtcDateTime },
            tx,
            cancellationToken: cancellationToken));

    private async Task<int> RemoveAsync(Guid[] appIds, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var removed = await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM routes WHERE app_id = ANY(@appIds)", new { appIds }, cancellationToken: cancellationToken));
        if (removed > 0)
        {
            Swap(Snapshot.Without(appIds));
            LogRemoved(logger, appIds[0]);
        }

        return removed;
    }

    private void Swap(RouteSnapshot snapshot) => Volatile.Write(ref _snapshot, snapshot);

    private static DateTimeOffset? Utc(DateTime? value) =>
        value is { } v ? new DateTimeOffset(DateTime.SpecifyKind(v, DateTimeKind.Utc)) : null;

    [LoggerMessage(Level = LogLevel.Information, Message = "Routing table loaded from Postgres: {Count} routes; the DNS responder may answer")]
    private static partial void LogLoaded(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Route of app {AppId} is now {Hostnames} -> {Upstreams}")]
    private static partial void LogApplied(ILogger logger, Guid appId, string hostnames, string upstreams);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Route of app {AppId}: container {ContainerId} died, {Upstreams} taken out of it at once")]
    private static partial void LogDropped(ILogger logger, Guid appId, string containerId, string upstreams);

    [LoggerMessage(Level = LogLevel.Information, Message = "Route of app {AppId} removed")]
    private static partial void LogRemoved(ILogger logger, Guid appId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Routes of {Count} deleted apps pruned")]
    private static partial void LogPruned(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "App {AppId} claims hostname {Hostname}, which app {OwnerAppId} owns: its claim is ignored")]
    private static partial void LogHostnameTaken(ILogger logger, Guid appId, string hostname, Guid ownerAppId);

    /// <summary>What <see cref="DropContainerAsync"/> took out of a route, and how many upstreams are left in it.</summary>
    public sealed record DroppedUpstreams(IReadOnlyList<string> Dropped, int Remaining)
    {
        public static DroppedUpstreams None { get; } = new([], 0);
    }

    /// <summary>A <c>routes</c> row as Dapper reads it (timestamptz arrives as a UTC <see cref="DateTime"/>).</summary>
    private sealed class RouteRow
    {
        public Guid AppId { get; init; }
        public string AppName { get; init; } = "";
        public string[] Hostnames { get; init; } = [];
        public string[] Upstreams { get; init; } = [];
        public DateTime UpdatedAt { get; init; }
        public DateTime? AppCreatedAt { get; init; }

        public StoredRoute ToStoredRoute() => new(
            AppId,
            AppName,
            StoredRoute.NormalizeHostnames(Hostnames),
            StoredRoute.NormalizeUpstreams(Upstreams),
            Utc(UpdatedAt)!.Value,
            Utc(AppCreatedAt));
    }
}
