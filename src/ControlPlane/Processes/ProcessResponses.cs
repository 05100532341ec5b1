using PersonalCloud.Contracts.Api;
using PersonalCloud.Contracts.Processes;
using PersonalCloud.ControlPlane.Releases;

namespace PersonalCloud.ControlPlane.Processes;

/// <summary>Pure: an app's processes as the API shows them, the owner's definitions combined with the Procfile by the same rule the reconciler uses.</summary>
public static class ProcessResponses
{
    public static IReadOnlyList<ProcessResponse> From(ProcessesRows rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var resolved = ProcessFormation.Resolve(rows.Processes.Select(p => p.ToDefinition()).ToList(), Procfile.FromJson(rows.Procfile),
            rows.Processes.ToDictionary(p => p.Name, p => p.Replicas, StringComparer.Ordinal));
        return resolved.Select(p => new ProcessResponse(
            p.Name,
            p.Kind,
            p.Command,
            p.CommandSource,
            p.Replicas,
            new AppLimitsResponse(p.MemoryMb ?? rows.AppLimits.MemoryMb, p.Cpus ?? rows.AppLimits.Cpus, p.Pids ?? rows.AppLimits.Pids),
            p.LivenessCommand is null ? null : new LivenessSettings(p.LivenessCommand),
            p.UpdateOrder,
            p.DeclaredBy,
            rows.Replicas.Where(r => r.Process == p.Name && r.Replica < p.Replicas).Select(ToResponse).ToList())).ToList();
    }

    private static ReplicaResponse ToResponse(ReplicaRow r) => new(
        r.Replica, r.Status, r.ContainerId, r.ReleaseId, r.CrashCount, r.RestartCount, r.LastExitCode, r.LastReason,
        ReleaseRow.Utc(r.RestartNotBefore), ReleaseRow.Utc(r.UpdatedAt));
}
