namespace PersonalCloud.Contracts.Processes;

/// <summary>
/// Pure: the processes a release runs, from the API's definitions (snapshotted on the release), the build's Procfile
/// and the live replica counts. The API's definition wins field by field; the Procfile gives the command of a process
/// whose definition has none, and declares processes the API does not know (a <c>web</c> entry is the web process when
/// the app has none, anything else a worker), which run <see cref="ProcessLimits.DefaultReplicas"/> replica until scaled.
/// </summary>
public static class ProcessFormation
{
    /// <param name="defined">The API's definitions; null for a release made before processes existed (one default web process).</param>
    /// <param name="replicas">The live replica counts by process name (a scale writes them without a new release).</param>
    public static IReadOnlyList<ResolvedProcess> Resolve(
        IReadOnlyList<ProcessDefinition>? defined, Procfile? procfile, IReadOnlyDictionary<string, int>? replicas)
    {
        defined ??= [ProcessDefinition.DefaultWeb];
        var declared = procfile?.Processes ?? new Dictionary<string, string>();
        var result = new List<ResolvedProcess>();
        foreach (var d in defined)
        {
            var fromProcfile = declared.GetValueOrDefault(d.Name);
            var (command, source) = d.Command is not null ? (d.Command, CommandSources.Api)
                : fromProcfile is not null ? (fromProcfile, CommandSources.Procfile)
                : ((string?)null, CommandSources.Image);
            result.Add(new ResolvedProcess(d.Name, d.Kind, command, source,
                Count(replicas, d.Name) ?? d.Replicas ?? ProcessLimits.DefaultReplicas,
                d.MemoryMb, d.Cpus, d.Pids, d.LivenessCommand, d.UpdateOrder,
                fromProcfile is null ? "api" : "api+procfile"));
        }

        var hasWeb = defined.Any(d => d.Kind == ProcessKinds.Web);
        foreach (var (name, command) in declared.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            if (defined.Any(d => d.Name == name))
                continue;
            var kind = name == ProcessLimits.DefaultWebName && !hasWeb ? ProcessKinds.Web : ProcessKinds.Worker;
            result.Add(new ResolvedProcess(name, kind, command, CommandSources.Procfile,
                Count(replicas, name) ?? ProcessLimits.DefaultReplicas, null, null, null, null, UpdateOrders.StartFirst, "procfile"));
        }

        return result.OrderBy(p => p.IsWeb ? 0 : 1).ThenBy(p => p.Name, StringComparer.Ordinal).ToList();
    }

    /// <summary>The release command a release runs: the API's, else the Procfile's <c>release</c> entry; null for none.</summary>
    public static string? ReleaseCommand(string? fromApi, Procfile? procfile) => fromApi ?? procfile?.ReleaseCommand;

    private static int? Count(IReadOnlyDictionary<string, int>? replicas, string name) =>
        replicas is not null && replicas.TryGetValue(name, out var n) ? n : null;
}
