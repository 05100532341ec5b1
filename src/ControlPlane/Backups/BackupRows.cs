using PersonalCloud.Contracts.Api;

namespace PersonalCloud.ControlPlane.Backups;

/// <summary>A volume_backups row as Dapper reads it (timestamps as UTC DateTime).</summary>
public sealed record BackupRecordRow
{
    public Guid Id { get; init; }
    public Guid AppId { get; init; }
    public string AppName { get; init; } = "";
    public Guid VolumeId { get; init; }
    public string VolumeName { get; init; } = "";
    public string Trigger { get; init; } = "";
    public string State { get; init; } = "";
    public string? Reason { get; init; }
    public Guid? ReleaseId { get; init; }
    public DateTime RequestedAt { get; init; }
    public DateTime? StartedAt { get; init; }
    public DateTime? FinishedAt { get; init; }
    public DateTime? VerifiedAt { get; init; }
    public long? SizeBytes { get; init; }
    public long? DataBytes { get; init; }
    public int? FileCount { get; init; }
    public string? ArchiveSha256 { get; init; }
    public long ProgressBytes { get; init; }
    public int ProgressFiles { get; init; }

    public BackupResponse ToResponse() => new(Id, AppId, AppName, VolumeId, VolumeName, Trigger, State, Reason, ReleaseId, Utc(RequestedAt), Utc(StartedAt),
        Utc(FinishedAt), Utc(VerifiedAt), SizeBytes, DataBytes, FileCount, ArchiveSha256, ProgressBytes, ProgressFiles);

    internal static DateTimeOffset Utc(DateTime t) => new(DateTime.SpecifyKind(t, DateTimeKind.Utc));

    internal static DateTimeOffset? Utc(DateTime? t) => t is { } v ? Utc(v) : null;
}

/// <summary>A volume_restores row as Dapper reads it.</summary>
public sealed record RestoreRecordRow
{
    public Guid Id { get; init; }
    public Guid AppId { get; init; }
    public Guid VolumeId { get; init; }
    public string VolumeName { get; init; } = "";
    public Guid? BackupId { get; init; }
    public string Mode { get; init; } = "";
    public string State { get; init; } = "";
    public string? Reason { get; init; }
    public string? TargetVolume { get; init; }
    public Guid? PreRestoreBackupId { get; init; }
    public long? TotalBytes { get; init; }
    public int? TotalFiles { get; init; }
    public long ProgressBytes { get; init; }
    public int ProgressFiles { get; init; }
    public DateTime RequestedAt { get; init; }
    public DateTime? SwitchRequestedAt { get; init; }
    public DateTime? ReadyAt { get; init; }
    public DateTime? FinishedAt { get; init; }

    public RestoreResponse ToResponse() => new(Id, AppId, VolumeId, VolumeName, BackupId, Mode, State, Reason, TargetVolume, PreRestoreBackupId, TotalBytes,
        TotalFiles, ProgressBytes, ProgressFiles, BackupRecordRow.Utc(RequestedAt), BackupRecordRow.Utc(SwitchRequestedAt), BackupRecordRow.Utc(ReadyAt),
        BackupRecordRow.Utc(FinishedAt));
}
