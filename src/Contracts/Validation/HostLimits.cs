using System.Globalization;
using PersonalCloud.Contracts.Hosting;

namespace PersonalCloud.Contracts.Validation;

/// <summary>
/// Limits against what the host has: the engine would refuse more CPUs than the host has at container create, and a
/// memory limit above the host's memory promises what it cannot give. Null (not given, or the host not yet known) is valid.
/// </summary>
public static class HostLimits
{
    public static string? MemoryMb(int? mb, HostCapacity? host) =>
        mb is { } value && host is not null && value > host.MemoryMb
            ? $"A memory limit is at most the host's memory: {host.MemoryMb.ToString(CultureInfo.InvariantCulture)} MB here ({value.ToString(CultureInfo.InvariantCulture)} MB asked)."
            : null;

    public static string? Cpus(double? cpus, HostCapacity? host) =>
        cpus is { } value && host is not null && value > host.Cpus
            ? $"A CPU limit is at most the number of CPUs: the host has {host.Cpus.ToString(CultureInfo.InvariantCulture)} ({value.ToString(CultureInfo.InvariantCulture)} asked)."
            : null;
}
