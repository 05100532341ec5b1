using System.ComponentModel.DataAnnotations;

namespace PersonalCloud.Reconciler.Volumes;

/// <summary>How often volumes are looked at and measured, and when their usage is worth a warning (PCLOUD_* variables, validated at start).</summary>
public sealed class VolumeOptions
{
    /// <summary>Seconds between two passes of the volume monitor (make missing volumes, measure usage, handle orphans).</summary>
    [Range(1, 3600)]
    [ConfigurationKeyName("VOLUME_SCAN_SECONDS")]
    public int ScanSeconds { get; set; } = 60;

    /// <summary>A volume using more bytes than this gets a warning (status and one event per crossing); there is no hard cap.</summary>
    [Range(1L << 20, 1L << 50)]
    [ConfigurationKeyName("VOLUME_WARN_BYTES")]
    public long WarnBytes { get; set; } = 1L << 30;
}
