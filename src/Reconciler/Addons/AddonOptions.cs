using System.ComponentModel.DataAnnotations;

namespace PersonalCloud.Reconciler.Addons;

/// <summary>Settings of the add-on controller, read from PCLOUD_* environment variables, validated at start.</summary>
public sealed class AddonOptions
{
    /// <summary>
    /// The Postgres server image. Default: the one scripts/build-postgres-image.sh builds from Debian's postgresql-15 (no
    /// registry needed); on a host that reaches Docker Hub, <c>postgres:15</c> (the official image) serves as well.
    /// </summary>
    [Required]
    [RegularExpression("^[A-Za-z0-9][A-Za-z0-9._/:@-]*$")]
    [ConfigurationKeyName("ADDON_POSTGRES_IMAGE")]
    public string PostgresImage { get; set; } = "pcloud/postgres:15";

    [Range(64, 65_536)]
    [ConfigurationKeyName("ADDON_POSTGRES_MEMORY_MB")]
    public int MemoryMb { get; set; } = 256;

    [Range(0.05, 64)]
    [ConfigurationKeyName("ADDON_POSTGRES_CPUS")]
    public double Cpus { get; set; } = 1;

    [Range(32, 100_000)]
    [ConfigurationKeyName("ADDON_POSTGRES_PIDS")]
    public int Pids { get; set; } = 256;

    /// <summary>How often the controller looks at every add-on when nothing wakes it (a change of desired state does).</summary>
    [Range(1, 300)]
    [ConfigurationKeyName("ADDON_POLL_SECONDS")]
    public int PollSeconds { get; set; } = 2;

    /// <summary>How often a ready server is asked again whether it accepts connections (pg_isready).</summary>
    [Range(1, 3600)]
    [ConfigurationKeyName("ADDON_PROBE_SECONDS")]
    public int ReadyProbeSeconds { get; set; } = 15;

    public AddonLimits Limits => new((long)MemoryMb * 1024 * 1024, Cpus, Pids);
}

public sealed record AddonLimits(long MemoryBytes, double Cpus, long Pids);
