using System.Globalization;
using PersonalCloud.Contracts.Volumes;

namespace PersonalCloud.Reconciler.Volumes;

/// <summary>What one monitor pass does: volumes to make, orphans to ask the removal gate about, status rows to write, warnings to journal.</summary>
public sealed record VolumePlan(
    IReadOnlyList<DesiredVolume> Create,
    IReadOnlyList<OrphanVolume> AskGate,
    IReadOnlyList<VolumeStatus> Statuses,
    IReadOnlyList<VolumeStatus> WarningsCrossed);

/// <summary>
/// Pure: desired volumes against the engine's labelled volumes and the last status. A missing desired volume is made; a
/// labelled volume without a desired row is an orphan: kept while a container still mounts it, else the removal gate decides.
/// A Docker volume is never planned away here: only the gate's "allow" removes one.
/// </summary>
public static class VolumePlanner
{
    public const string StillMounted = "deleted; still mounted by {0} container(s): kept until they are rolled out, then until the final backup";

    public static VolumePlan Plan(IReadOnlyList<DesiredVolume> desired, IReadOnlyList<ObservedVolume> observed, IReadOnlyList<VolumeStatus> previous,
        long warnBytes, DateTimeOffset now)
    {
        var byId = observed.Where(o => o.VolumeId is not null).GroupBy(o => o.VolumeId!.Value).ToDictionary(g => g.Key, g => g.First());
        var last = previous.ToDictionary(p => p.VolumeId);
        var wanted = desired.Select(d => d.Id).ToHashSet();
        var create = new List<DesiredVolume>();
        var gate = new List<OrphanVolume>();
        var statuses = new List<VolumeStatus>();
        var crossed = new List<VolumeStatus>();

        foreach (var d in desired.OrderBy(d => d.Id))
        {
            var seen = byId.GetValueOrDefault(d.Id);
            if (seen is null)
                create.Add(d);
            var usage = seen?.UsageBytes;
            var warning = usage is { } bytes && bytes > warnBytes ? Warning(bytes, warnBytes) : null;
            var status = new VolumeStatus(d.Id, d.AppId, d.AppName, d.Name, VolumeNames.DockerName(d.Id), VolumeStates.Ready, null,
                usage, usage is null ? null : now, warning, null);
            statuses.Add(status);
            if (warning is not null && last.GetValueOrDefault(d.Id)?.Warning is null)
                crossed.Add(status);
        }

        foreach (var o in observed.Where(o => o.VolumeId is { } id && !wanted.Contains(id)).OrderBy(o => o.DockerName, StringComparer.Ordinal))
        {
            var id = o.VolumeId!.Value;
            var before = last.GetValueOrDefault(id);
            var orphan = new OrphanVolume(id, o.AppId ?? before?.AppId ?? Guid.Empty, o.AppName ?? before?.AppName ?? "", o.Name ?? before?.Name ?? "", o.DockerName);
            if (o.RefCount is null or > 0)
            {
                var reason = o.RefCount is { } n ? string.Format(CultureInfo.InvariantCulture, StillMounted, n) : "deleted; kept: the engine did not say whether a container still mounts it";
                statuses.Add(Orphaned(orphan, reason, o.UsageBytes, now, before));
            }
            else
            {
                // Its status is written once the gate has answered (the monitor's part).
                gate.Add(orphan);
            }
        }

        // A status whose Docker volume is gone with no desired row left: removed (by the gate, or by hand).
        foreach (var p in previous.Where(p => p.State != VolumeStates.Removed && !wanted.Contains(p.VolumeId) && !byId.ContainsKey(p.VolumeId)))
            statuses.Add(p with { State = VolumeStates.Removed, Reason = p.Reason ?? "the Docker volume is gone" });

        return new VolumePlan(create, gate, statuses, crossed);
    }

    public static string Warning(long bytes, long warnBytes) =>
        string.Create(CultureInfo.InvariantCulture, $"uses {Size(bytes)}, over the warning threshold of {Size(warnBytes)} (no hard cap: it can fill the data disk)");

    public static string Size(long bytes) => bytes switch
    {
        >= 1L << 30 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 30):0.##} GiB"),
        >= 1L << 20 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 20):0.##} MiB"),
        >= 1L << 10 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 10):0.##} KiB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes} bytes"),
    };

    public static VolumeStatus Orphaned(OrphanVolume o, string? reason, long? usage, DateTimeOffset now, VolumeStatus? before) =>
        new(o.VolumeId, o.AppId, o.AppName, o.Name, o.DockerName, VolumeStates.Orphaned, reason ?? before?.Reason, usage, usage is null ? null : now, null, null);
}
