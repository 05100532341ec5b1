using PersonalCloud.Contracts.Processes;
using PersonalCloud.Reconciler.Containers;
using PersonalCloud.Reconciler.Desired;

namespace PersonalCloud.Reconciler.Jobs;

/// <summary>What a run started "as" a process gets: its limits, and its command when the run names none.</summary>
public sealed record RunProfile(ContainerLimits Limits, string? DefaultCommand);

/// <summary>
/// Pure: a run that names a process (<c>POST /api/apps/{id}/runs {"process": "worker"}</c>, or a cron job's process)
/// runs with that process's limits and, when it gives no command, that process's command; the processes are the serving
/// release's (its definitions combined with its image's Procfile, as its replicas run). No process named: the app's
/// limits from the release and no default command.
/// </summary>
public static class ProcessRunProfiles
{
    /// <returns>The profile, or why the run cannot start (the release has no such process).</returns>
    public static (RunProfile? Profile, string? Error) For(RunRelease release, ResolvedImage image, string? process)
    {
        if (string.IsNullOrEmpty(process))
            return (new RunProfile(release.Limits, DefaultCommand: null), null);

        var processes = ProcessFormation.Resolve(release.Processes, image.Procfile, replicas: null);
        if (processes.FirstOrDefault(p => p.Name == process) is not { } found)
        {
            return (null, $"the serving release has no process '{process}' (it has {string.Join(", ", processes.Select(p => p.Name))}); "
                + "name one of those, or none to run with the app's limits");
        }

        var limits = DesiredProcess.From(found, release.Limits).Limits;
        return (new RunProfile(limits, found.Command), null);
    }
}
