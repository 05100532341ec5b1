using PersonalCloud.Contracts.Api;
using PersonalCloud.Contracts.Volumes;

namespace PersonalCloud.ControlPlane.Volumes;

/// <summary>Desired rows joined with what the reconciler saw; a deleted volume whose data is still kept is listed too (no mount path).</summary>
public static class VolumeResponses
{
    /// <summary>Said on every volume: the engine's local driver cannot cap a volume's size here.</summary>
    public const string NoQuota =
        "none: a local Docker volume has no size limit on this host (overlay2/ext4); it can fill the data disk. The platform warns at a threshold; "
        + "a hard cap needs an xfs project quota (docs/operations.md, Volumes).";

    public static IReadOnlyList<VolumeResponse> From(IReadOnlyList<VolumeRow> desired, IReadOnlyList<VolumeStatusRow> observed)
    {
        var byId = observed.ToDictionary(o => o.VolumeId);
        var wanted = desired.Select(d => byId.TryGetValue(d.Id, out var o)
            ? new VolumeResponse(d.Id, d.Name, d.MountPath, d.Processes, o.DockerName, Utc(d.CreatedAt), o.State == "orphaned" ? "missing" : o.State,
                o.Reason, o.UsageBytes, Utc(o.MeasuredAt), o.Warning, NoQuota)
            : new VolumeResponse(d.Id, d.Name, d.MountPath, d.Processes, VolumeNames.DockerName(d.Id), Utc(d.CreatedAt), "missing",
                "the reconciler has not made it yet (it is made before the first container that mounts it starts)", null, null, null, NoQuota));
        var kept = observed.Where(o => desired.All(d => d.Id != o.VolumeId) && o.State != "removed")
            .Select(o => o.State is "orphaned" ? FromStatus(o)
                : FromStatus(o) with { State = "orphaned", Reason = "deleted: the reconciler takes it over on its next pass (its data is kept until a final backup)" });
        return wanted.Concat(kept).ToList();
    }

    public static VolumeResponse FromStatus(VolumeStatusRow o) =>
        new(o.VolumeId, o.Name, null, null, o.DockerName, null, o.State, o.Reason, o.UsageBytes, Utc(o.MeasuredAt), o.Warning, NoQuota);

    private static DateTimeOffset? Utc(DateTime? t) => t is { } v ? new DateTimeOffset(DateTime.SpecifyKind(v, DateTimeKind.Utc)) : null;
}
