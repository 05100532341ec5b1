using System.Globalization;

namespace PersonalCloud.Reconciler.Builds;

/// <summary>Says which of the platform's build limits a failed build ran into, when that is what stopped it. Pure.</summary>
public static class BuildFailureReason
{
    public static string Explain(string reason, BuildOptions options, bool processesRefused, bool timedOut)
    {
        if (timedOut)
            return string.Create(CultureInfo.InvariantCulture, $"{reason} (builds may take at most {options.TimeoutMinutes} minutes: PCLOUD_BUILD_TIMEOUT_MINUTES)");
        if (processesRefused)
            return string.Create(CultureInfo.InvariantCulture,
                $"{reason} (a build step was refused a new process: all builds together may run at most {options.Pids} processes, PCLOUD_BUILD_PIDS)");
        // 137 is SIGKILL: what the kernel's OOM killer sends at the step's memory limit.
        if (reason.EndsWith("non-zero code: 137", StringComparison.Ordinal))
            return string.Create(CultureInfo.InvariantCulture,
                $"{reason} (killed: most likely out of memory, a build step may use at most {options.MemoryMb} MB, PCLOUD_BUILD_MEMORY_MB)");
        return reason;
    }

    /// <summary>
    /// What shells print when fork fails with EAGAIN. Needed besides the parent's pids.events: on this kernel's cgroup v1
    /// the refusal is counted in the step's own cgroup, which is gone once the step ends.
    /// </summary>
    public static bool MentionsForkRefused(string log) =>
        log.Contains("can't fork", StringComparison.Ordinal) || log.Contains("fork: Resource temporarily unavailable", StringComparison.Ordinal)
        || log.Contains("fork: retry: Resource temporarily unavailable", StringComparison.Ordinal);
}
