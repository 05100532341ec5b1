namespace PersonalCloud.Contracts.Hosting;

/// <summary>
/// What the host can give apps, as the container engine reports it (<c>/info</c>: NCPU, MemTotal). The reconciler
/// publishes it to Postgres (table <c>host_capacity</c>); the API checks limits against it without asking the engine.
/// </summary>
public sealed record HostCapacity(int Cpus, long MemoryBytes)
{
    /// <summary>Whole mebibytes, as memory limits are given (<c>limits.memoryMb</c>).</summary>
    public long MemoryMb => MemoryBytes / (1024 * 1024);
}
