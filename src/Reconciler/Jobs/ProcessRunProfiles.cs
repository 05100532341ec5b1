using PersonalCloud.Reconciler.Containers;

namespace PersonalCloud.Reconciler.Jobs;

/// <summary>What a run started "as" a process gets: its limits, and its command when the run names none.</summary>
public sealed record RunProfile(ContainerLimits Limits, string? DefaultCommand);

/// <summary>
/// The seam between runs and an app's processes (issue 11 item 1): a one-off run may name a process
/// (<c>POST /api/apps/{id}/runs {"process": "worker"}</c>) to run with that process's limits. Until processes are stored,
/// every process name resolves to the app's own limits from the release, and no default command. Wire this one method to
/// the processes table (limits default to the app's, as there) and nothing else changes.
/// </summary>
public sealed class ProcessRunProfiles
{
    public Task<RunProfile> ForProcessAsync(RunRelease release, string? process, CancellationToken ct) =>
        Task.FromResult(new RunProfile(release.Limits, DefaultCommand: null));
}
