namespace PersonalCloud.Reconciler.Addons;

/// <summary>
/// The add-on controller's door to the engine for what the app runtime has no call for: add-on containers and their
/// volumes. Reads throw on failure (a failed list is never "no add-ons"); creates find what a first create made.
/// </summary>
public interface IAddonRuntime
{
    /// <summary>Every add-on container of this platform instance, all states.</summary>
    Task<IReadOnlyList<ObservedAddon>> ListAsync(CancellationToken cancellationToken);

    /// <summary>Creates the add-on's labelled named volume when missing (the engine returns an existing one as it is).</summary>
    Task EnsureVolumeAsync(DesiredAddon addon, CancellationToken cancellationToken);

    /// <summary>Creates and starts the server container; a name conflict resolves to the existing container. Returns its id.</summary>
    Task<string> CreateAndStartAsync(DesiredAddon addon, string imageId, string specHash, CancellationToken cancellationToken);
}
