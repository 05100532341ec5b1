using System.ComponentModel.DataAnnotations;

namespace PersonalCloud.Reconciler.Builds;

/// <summary>
/// How image builds are bounded (PCLOUD_BUILD_* environment variables, the prefix stripped), validated at start. Every
/// build default lives here.
/// </summary>
public sealed class BuildOptions
{
    /// <summary>Builds running at once, on their own workers: reconciles never wait behind them.</summary>
    [Range(1, 8)]
    [ConfigurationKeyName("BUILD_CONCURRENCY")]
    public int Concurrency { get; set; } = 2;

    /// <summary>A whole build (git checkout included) that takes longer fails.</summary>
    [Range(1, 180)]
    [ConfigurationKeyName("BUILD_TIMEOUT_MINUTES")]
    public int TimeoutMinutes { get; set; } = 10;

    /// <summary>Memory of one RUN step, swap included (no swap on top); all builds together get Concurrency times this.</summary>
    [Range(64, 1024 * 1024)]
    [ConfigurationKeyName("BUILD_MEMORY_MB")]
    public int MemoryMb { get; set; } = 1024;

    /// <summary>CPUs one RUN step may use (a CFS quota).</summary>
    [Range(0.1, 64)]
    [ConfigurationKeyName("BUILD_CPUS")]
    public double Cpus { get; set; } = 1.0;

    /// <summary>Processes of all running builds together (the pids limit of their parent cgroup): a fork bomb stops here.</summary>
    [Range(16, 1_000_000)]
    [ConfigurationKeyName("BUILD_PIDS")]
    public int Pids { get; set; } = 512;

    /// <summary>Per app, how many of its most recent build images stay besides the serving and wanted release's (rollbacks need them).</summary>
    [Range(0, 100)]
    [ConfigurationKeyName("BUILD_IMAGES_KEPT")]
    public int ImagesKept { get; set; } = 3;

    public TimeSpan Timeout => TimeSpan.FromMinutes(TimeoutMinutes);

    public long MemoryBytes => MemoryMb * 1024L * 1024L;
}
