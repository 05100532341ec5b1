using PersonalCloud.Contracts.Jobs;

namespace PersonalCloud.Contracts.Backups;

/// <summary>The states, triggers and defaults of volume backups and restores, and the validation of a backup policy (one place).</summary>
public static class BackupRules
{
    public const string Requested = "requested";
    public const string Running = "running";
    public const string Verifying = "verifying";
    public const string Verified = "verified";
    public const string Failed = "failed";

    public const string TriggerManual = "manual";
    public const string TriggerSchedule = "schedule";
    public const string TriggerPreRestore = "pre-restore";
    public const string TriggerFinal = "final";

    public const string ModeNewVolume = "new-volume";
    public const string ModeInPlace = "in-place";

    public const string RestoreBackingUp = "backing-up";
    public const string RestoreRestoring = "restoring";
    public const string RestoreReady = "ready";
    public const string RestoreSwitched = "switched";

    /// <summary>Daily at 03:00 UTC when a volume has no policy of its own.</summary>
    public const string DefaultSchedule = "0 3 * * *";
    public const int DefaultKeepLast = 7;
    public const int DefaultKeepDays = 30;

    public static bool IsOpen(string state) => state is Requested or Running or Verifying;

    public static string? Schedule(string? schedule) =>
        schedule is null ? null : CronSchedule.Parse(schedule, CronSchedule.DefaultTimeZone).ScheduleError;

    public static string? KeepLast(int? keepLast) =>
        keepLast is null or (>= 1 and <= 1000) ? null : "keepLast is between 1 and 1000 (verified backups kept per volume).";

    public static string? KeepDays(int? keepDays) =>
        keepDays is null or (>= 1 and <= 3650) ? null : "keepDays is between 1 and 3650 (days a backup is kept, and a deleted volume's final backups).";

    public static string? Mode(string? mode) =>
        mode is null or ModeNewVolume or ModeInPlace ? null : $"mode is '{ModeNewVolume}' (the default: restore into a new volume, switch in later) or '{ModeInPlace}'.";
}
