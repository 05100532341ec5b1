namespace PersonalCloud.Contracts.Processes;

/// <summary>
/// One process as the owner defined it through the API (an <c>app_processes</c> row), and as a release snapshots it.
/// Null fields were not given: <paramref name="Command"/> null runs the Procfile's command for this name, else the image's
/// CMD; limits null take the app's; <paramref name="LivenessCommand"/> null means no liveness check (a worker).
/// </summary>
/// <param name="Replicas">How many run; the live number is the app's (a scale changes it without a new release).</param>
public sealed record ProcessDefinition(
    string Name,
    string Kind,
    string? Command = null,
    int? Replicas = null,
    int? MemoryMb = null,
    double? Cpus = null,
    int? Pids = null,
    string? LivenessCommand = null,
    string UpdateOrder = UpdateOrders.StartFirst)
{
    /// <summary>What apps made before processes existed run: one web process, the image's CMD, the app's limits.</summary>
    public static ProcessDefinition DefaultWeb { get; } = new(ProcessLimits.DefaultWebName, ProcessKinds.Web);
}

/// <summary>
/// A process of a release as it runs: the API's definition combined with the build's Procfile (see
/// <see cref="ProcessFormation"/>). Limits still null take the app's.
/// </summary>
/// <param name="CommandSource">One of <see cref="CommandSources"/>.</param>
/// <param name="DeclaredBy">"api", "procfile" or "api+procfile".</param>
public sealed record ResolvedProcess(
    string Name,
    string Kind,
    string? Command,
    string CommandSource,
    int Replicas,
    int? MemoryMb,
    double? Cpus,
    int? Pids,
    string? LivenessCommand,
    string UpdateOrder,
    string DeclaredBy)
{
    public bool IsWeb => Kind == ProcessKinds.Web;

    public bool StopFirst => Kind == ProcessKinds.Worker && UpdateOrder == UpdateOrders.StopFirst;
}
