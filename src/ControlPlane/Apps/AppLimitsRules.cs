using PersonalCloud.Contracts.Api;
using PersonalCloud.Contracts.Validation;
using PersonalCloud.ControlPlane.Problems;

namespace PersonalCloud.ControlPlane.Apps;

/// <summary>
/// An app's limits checked once for every way they can be set (creation now, a change of settings later): the fixed
/// bounds, then what the host has as the reconciler last published it. Before its first publish only the fixed bounds
/// apply, and the engine's own refusal at container create is the last word.
/// </summary>
public sealed class AppLimitsRules(HostCapacityStore host)
{
    public async Task<ValidationErrors> CheckAsync(ValidationErrors errors, AppLimits? limits, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var capacity = limits?.MemoryMb is null && limits?.Cpus is null ? null : await host.GetAsync(ct);
        return errors
            .Check("limits.memoryMb", ValidationRules.MemoryMb(limits?.MemoryMb) ?? HostLimits.MemoryMb(limits?.MemoryMb, capacity))
            .Check("limits.cpus", ValidationRules.Cpus(limits?.Cpus) ?? HostLimits.Cpus(limits?.Cpus, capacity))
            .Check("limits.pids", ValidationRules.Pids(limits?.Pids));
    }
}
