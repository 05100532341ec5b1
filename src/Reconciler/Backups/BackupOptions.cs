using System.ComponentModel.DataAnnotations;

namespace PersonalCloud.Reconciler.Backups;

/// <summary>Settings of volume backups, read from PCLOUD_* environment variables, validated at start.</summary>
public sealed class BackupOptions
{
    /// <summary>The archives' encryption key (base64 of 32 bytes); empty: the key file (created at first start).</summary>
    [ConfigurationKeyName("BACKUP_KEY")]
    public string? Key { get; set; }

    /// <summary>The key file; empty: &lt;data dir&gt;/backup.key.</summary>
    [ConfigurationKeyName("BACKUP_KEY_FILE")]
    public string? KeyFile { get; set; }

    /// <summary>Where archives and manifests are written; empty: &lt;data dir&gt;/backups.</summary>
    [ConfigurationKeyName("BACKUP_DIR")]
    public string? Directory { get; set; }

    /// <summary>A backup or restore that takes longer fails (terminal, with its reason) instead of holding the backups' queue.</summary>
    [Range(1, 24 * 60)]
    [ConfigurationKeyName("BACKUP_TIMEOUT_MINUTES")]
    public int TimeoutMinutes { get; set; } = 120;

    /// <summary>After a failed final backup of an orphaned volume, the next attempt waits this long (the volume stays until one is verified).</summary>
    [Range(1, 7 * 24 * 60)]
    [ConfigurationKeyName("FINAL_BACKUP_RETRY_MINUTES")]
    public int FinalRetryMinutes { get; set; } = 60;

    public string KeyFileFor(string dataDir) => string.IsNullOrWhiteSpace(KeyFile) ? Path.Combine(dataDir, "backup.key") : KeyFile;

    public string DirectoryFor(string dataDir) => string.IsNullOrWhiteSpace(Directory) ? Path.Combine(dataDir, "backups") : Directory;
}
