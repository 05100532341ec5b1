namespace PersonalCloud.Reconciler.Backups;

/// <summary>Labels on what the backups make on the engine. None carries the volume-id label: a restore or scratch volume is never taken for an app volume.</summary>
public static class BackupLabels
{
    /// <summary>On the helper containers (created, never started).</summary>
    public const string Helper = "io.personalcloud.backup-helper";

    /// <summary>On a scratch volume a verification restores into; value: the backup id.</summary>
    public const string Scratch = "io.personalcloud.backup-scratch";

    /// <summary>On a volume a restore made; value: the app volume's id it holds a backup of.</summary>
    public const string RestoredVolumeOf = "io.personalcloud.restored-volume-of";

    /// <summary>On a volume a restore made; value: the restore's id.</summary>
    public const string RestoreId = "io.personalcloud.restore-id";

    /// <summary>The tool-less image helper containers are created from: imported from a one-file tar, so no registry is needed.</summary>
    public const string HelperImage = "pcloud/volume-helper:1";

    public static string ScratchVolume(Guid backupId) => $"pcloud-scratch-{backupId:N}";

    public static string RestoreVolume(Guid restoreId) => $"pcloud-restore-{restoreId:N}";
}
