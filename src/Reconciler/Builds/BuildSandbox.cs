using System.Security.Cryptography;
using System.Text;

namespace PersonalCloud.Reconciler.Builds;

/// <summary>
/// Where and with what a RUN step of a build runs: a memory cap without extra swap, a CPU quota, the platform's parent
/// cgroup (which caps the processes and memory of all builds together) and the platform's own build network, a bridge
/// with inter-container traffic off whose traffic to the host itself is dropped (outbound traffic still works).
/// </summary>
public sealed record BuildSandbox(long MemoryBytes, long CpuPeriodMicros, long CpuQuotaMicros, string CgroupParent, string NetworkName, string BridgeName)
{
    public const long CpuPeriod = 100_000;

    /// <summary>Names are per instance, so two platforms on one engine never share a build cgroup or network. Pure.</summary>
    public static BuildSandbox From(BuildOptions options, string instance) => new(
        options.MemoryBytes,
        CpuPeriod,
        (long)Math.Round(options.Cpus * CpuPeriod),
        $"pcloud-builds-{instance}",
        $"pcloud-build-{instance}",
        BridgeNameOf(instance));

    /// <summary>A Linux interface name has at most 15 characters: "pcb-" and a hash of the instance.</summary>
    public static string BridgeNameOf(string instance) =>
        "pcb-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(instance)))[..11];
}
