namespace PersonalCloud.Reconciler.Backups;

/// <summary>A backup row as the scheduler reads it.</summary>
public sealed record BackupRow
{
    public Guid Id { get; init; }
    public Guid AppId { get; init; }
    public string AppName { get; init; } = "";
    public Guid VolumeId { get; init; }
    public string VolumeName { get; init; } = "";
    public string DockerVolume { get; init; } = "";
    public string Trigger { get; init; } = "";
    public string State { get; init; } = "";
    public string? Reason { get; init; }
    public Guid? ReleaseId { get; init; }
    public DateTime RequestedAt { get; init; }
    public DateTime? FinishedAt { get; init; }
    public DateTime? VerifiedAt { get; init; }

    public BackupTarget Target => new(Id, AppId, AppName, VolumeId, VolumeName, DockerVolume, ReleaseId);
}

/// <summary>An app volume that exists, with its schedule, retention and the Docker volume that holds its data now.</summary>
public sealed record VolumeSchedule
{
    public Guid VolumeId { get; init; }
    public Guid AppId { get; init; }
    public string AppName { get; init; } = "";
    public string VolumeName { get; init; } = "";
    public Guid? ReleaseId { get; init; }
    public DateTime CreatedAt { get; init; }
    public string? Schedule { get; init; }
    public int? KeepLast { get; init; }
    public int? KeepDays { get; init; }
    public DateTime? LastScheduled { get; init; }
    public string? SwitchedTo { get; init; }

    public string DockerVolume => SwitchedTo ?? Contracts.Volumes.VolumeNames.DockerName(VolumeId);
}

/// <summary>A restore row as the scheduler reads it.</summary>
public sealed record RestoreRow
{
    public Guid Id { get; init; }
    public Guid AppId { get; init; }
    public Guid VolumeId { get; init; }
    public string VolumeName { get; init; } = "";
    public Guid? BackupId { get; init; }
    public string Mode { get; init; } = "";
    public string State { get; init; } = "";
    public DateTime? SwitchRequestedAt { get; init; }
    public string? TargetVolume { get; init; }
}

/// <summary>Retention settings of a volume that may no longer exist.</summary>
public sealed record RetentionPolicy(Guid VolumeId, int KeepLast, int KeepDays);

/// <summary>What one scheduler pass starts from.</summary>
public sealed record BackupsSnapshot(
    IReadOnlyList<VolumeSchedule> Volumes,
    IReadOnlyList<BackupRow> Requested,
    IReadOnlyList<BackupRow> Finished,
    IReadOnlyList<RestoreRow> Restores,
    IReadOnlyDictionary<Guid, RetentionPolicy> Policies,
    IReadOnlyDictionary<Guid, string> Switches);
