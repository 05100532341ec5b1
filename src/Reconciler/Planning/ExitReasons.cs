using System.Globalization;
using PersonalCloud.Reconciler.Containers;

namespace PersonalCloud.Reconciler.Planning;

/// <summary>Pure: says why a container stopped in words a user can act on, not only as an exit code.</summary>
public static class ExitReasons
{
    public const int LastLineMaxChars = 200;

    public static string Describe(ObservedContainer container, ContainerLimits? limits)
    {
        var reason = container.OomKilled
            ? limits is null ? "killed: out of memory" : $"killed: out of memory (limit {Mebibytes(limits.MemoryBytes)} MiB)"
            : $"container exited with code {container.ExitCode?.ToString(CultureInfo.InvariantCulture) ?? "unknown"}";
        return container.LastLogLine is { Length: > 0 } line && !container.OomKilled
            ? $"{reason}; last log line: {Shorten(line.Trim())}"
            : reason;
    }

    private static string Mebibytes(long bytes) => (bytes / (1024d * 1024d)).ToString("0.#", CultureInfo.InvariantCulture);

    private static string Shorten(string line) => line.Length <= LastLineMaxChars ? line : line[..LastLineMaxChars] + "…";
}
