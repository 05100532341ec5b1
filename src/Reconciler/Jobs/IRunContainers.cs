namespace PersonalCloud.Reconciler.Jobs;

/// <summary>
/// The job executor's door to the container engine: run containers only (those with a run id label). Reads throw on
/// failure (a failed list is never "no runs"); a create that finds the run's container already there returns it.
/// </summary>
public interface IRunContainers
{
    /// <summary>Every run container of this platform instance, all states; stopped ones with exit code, finish time and any start error.</summary>
    Task<IReadOnlyList<RunContainer>> ListAsync(CancellationToken cancellationToken);

    /// <summary>Creates and starts the run's container (named after the run: a second create finds the first). Throws
    /// <see cref="Containers.ContainerRejectedException"/> when the engine refuses the spec or its command cannot start.</summary>
    Task<RunContainer> CreateAndStartAsync(RunSpec spec, CancellationToken cancellationToken);

    /// <summary>SIGTERM, then SIGKILL after <paramref name="grace"/>; an already stopped or missing container is success.</summary>
    Task StopAsync(string containerId, TimeSpan grace, CancellationToken cancellationToken);

    /// <summary>Removes a stopped container (forced); a missing one is success.</summary>
    Task RemoveAsync(string containerId, CancellationToken cancellationToken);
}
