namespace PersonalCloud.Reconciler.Routing;

/// <summary>Where the DNS responder reads routes from: a snapshot swapped whole, and when it is first complete.</summary>
public interface IRouteSource
{
    RouteSnapshot Snapshot { get; }

    /// <summary>Completes once the snapshot holds every route (read from Postgres or a saved copy): before it, every host would look unknown.</summary>
    Task Loaded { get; }
}
