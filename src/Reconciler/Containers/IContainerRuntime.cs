namespace PersonalCloud.Reconciler.Containers;

/// <summary>
/// The reconciler's only door to the container engine. Reads throw on failure (a failed list must never look like
/// "no containers"); removes treat "already gone" as success; creates treat "already exists" as success.
/// </summary>
public interface IContainerRuntime
{
    /// <summary>Containers carrying the managed label, all states; with <paramref name="appId"/>, only that app's own containers (not its runs: <see cref="Contracts.Labels.RunLabels"/>).</summary>
    Task<IReadOnlyList<ObservedContainer>> ListManagedAsync(Guid? appId, CancellationToken cancellationToken);

    /// <summary>Uses an image already in the engine as it is; pulls a missing one. Throws <see cref="ImageUnavailableException"/> when neither works.</summary>
    Task<ResolvedImage> EnsureImageAsync(string image, CancellationToken cancellationToken);

    /// <summary>An image already in the engine by reference or id, or null; never pulls.</summary>
    Task<ResolvedImage?> FindImageAsync(string image, CancellationToken cancellationToken);

    /// <summary>
    /// Builds a tar (or tar.gz) context with a Dockerfile at its root into <paramref name="tag"/>, labelled as managed by this
    /// instance plus <paramref name="labels"/>; the engine's output text goes to <paramref name="output"/> as it arrives.
    /// Throws <see cref="ImageBuildFailedException"/> when the engine refuses the context or a step fails. RUN steps run
    /// inside <paramref name="sandbox"/> (its network is created when missing).
    /// </summary>
    Task<ResolvedImage> BuildImageAsync(
        Stream context, string tag, IReadOnlyDictionary<string, string> labels, Builds.BuildSandbox sandbox, IProgress<string> output,
        CancellationToken cancellationToken);

    /// <summary>Images this instance built from source (label-filtered, top-level only: their untagged step layers are not listed).</summary>
    Task<IReadOnlyList<BuiltImage>> ListBuiltImagesAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Removes an image by id, with its step layers no other image shares. True when it is gone (or was already); false
    /// when the engine keeps it because a container (running or not) still uses it, or it has other tags.
    /// </summary>
    Task<bool> RemoveImageAsync(string imageId, CancellationToken cancellationToken);

    /// <summary>Creates the app's own bridge network when missing; returns its name.</summary>
    Task EnsureNetworkAsync(string networkName, Guid appId, CancellationToken cancellationToken);

    /// <summary>Managed networks (label-filtered), for clean-up of deleted apps.</summary>
    Task<IReadOnlyList<ObservedNetwork>> ListManagedNetworksAsync(CancellationToken cancellationToken);

    Task RemoveNetworkAsync(string networkName, CancellationToken cancellationToken);

    /// <summary>Creates and starts a container from the spec; a name conflict resolves to the existing container. Returns the container id.</summary>
    Task<string> CreateAndStartAsync(ContainerSpec spec, CancellationToken cancellationToken);

    /// <summary>One container by id or name as the engine sees it now (state, address); null when it is gone.</summary>
    Task<ObservedContainer?> InspectAsync(string containerIdOrName, CancellationToken cancellationToken);

    /// <summary>
    /// Runs <paramref name="command"/> inside a running container (<c>docker exec</c>) and returns its exit code; null when it
    /// did not finish within <paramref name="timeout"/> or the container is gone or stopped.
    /// </summary>
    Task<int?> ExecAsync(string containerId, IReadOnlyList<string> command, TimeSpan timeout, CancellationToken cancellationToken);

    /// <summary>Stops (SIGTERM, then SIGKILL after <paramref name="stopTimeout"/>) and keeps it, so it is seen as exited; a missing or stopped container is success.</summary>
    Task StopAsync(string containerId, TimeSpan stopTimeout, CancellationToken cancellationToken);

    /// <summary>Stops (SIGTERM, then SIGKILL after <paramref name="stopTimeout"/>) and removes; a missing container is success.</summary>
    Task StopAndRemoveAsync(string containerId, TimeSpan stopTimeout, CancellationToken cancellationToken);

    /// <summary>
    /// Stdout and stderr with engine timestamps from <paramref name="since"/> (inclusive: callers de-duplicate); with
    /// <paramref name="follow"/> it goes on until the container stops, without it ends at what was written so far.
    /// </summary>
    IAsyncEnumerable<ContainerLogEntry> FollowLogsAsync(string containerId, DateTimeOffset? since, bool follow, CancellationToken cancellationToken);

    /// <summary>The host's CPUs and memory as the engine reports them (its /info).</summary>
    Task<Contracts.Hosting.HostCapacity> GetHostCapacityAsync(CancellationToken cancellationToken);

    /// <summary>Lifecycle events (start, die, destroy, ...) of managed containers, as they happen.</summary>
    IAsyncEnumerable<ContainerEvent> WatchEventsAsync(CancellationToken cancellationToken);
}
