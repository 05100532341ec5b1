namespace PersonalCloud.Contracts.Api;

/// <summary>
/// A backup of one app volume. <see cref="State"/>: requested, running, verifying, verified (restored into a scratch
/// volume and every file's checksum compared) or failed (<see cref="Reason"/> says why). Only a verified backup can be restored.
/// </summary>
public sealed record BackupResponse(
    Guid Id,
    Guid AppId,
    string AppName,
    Guid VolumeId,
    string VolumeName,
    string Trigger,
    string State,
    string? Reason,
    Guid? ReleaseId,
    DateTimeOffset RequestedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    DateTimeOffset? VerifiedAt,
    long? SizeBytes,
    long? DataBytes,
    int? FileCount,
    string? ArchiveSha256,
    long ProgressBytes,
    int ProgressFiles);

/// <summary>A volume's backup schedule (cron, UTC) and retention. Left out: daily at 03:00 UTC, keep 7, keep 30 days.</summary>
public sealed record BackupPolicyRequest(string? Schedule = null, int? KeepLast = null, int? KeepDays = null);

/// <summary>A volume's backup schedule and retention, and when the next scheduled backup is due.</summary>
public sealed record BackupPolicyResponse(Guid VolumeId, string Schedule, int KeepLast, int KeepDays, bool IsDefault, DateTimeOffset? NextBackupAt);

/// <summary>Restore a verified backup. Mode new-volume (the default) or in-place.</summary>
public sealed record RestoreRequest(Guid? BackupId, string? Mode = null);

/// <summary>
/// A restore. <see cref="State"/>: requested, backing-up (in-place: the pre-restore backup), restoring, verifying, ready
/// (a new volume holds the backup, checked file by file: switch it in), switched, or failed (<see cref="Reason"/>; the
/// volume's current data was not touched).
/// </summary>
public sealed record RestoreResponse(
    Guid Id,
    Guid AppId,
    Guid VolumeId,
    string VolumeName,
    Guid? BackupId,
    string Mode,
    string State,
    string? Reason,
    string? TargetVolume,
    Guid? PreRestoreBackupId,
    long? TotalBytes,
    int? TotalFiles,
    long ProgressBytes,
    int ProgressFiles,
    DateTimeOffset RequestedAt,
    DateTimeOffset? SwitchRequestedAt,
    DateTimeOffset? ReadyAt,
    DateTimeOffset? FinishedAt);
