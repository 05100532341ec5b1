using System.Globalization;
using PersonalCloud.Reconciler.Containers;

namespace PersonalCloud.Reconciler.Planning;

/// <summary>Pure: says why a container stopped in words a user can act on, not only as an exit code.</summary>
public static class ExitReasons
{
    public const int LastLineMaxChars = 200;

    private static readonly IReadOnlyDictionary<int, string> SignalNames = new Dictionary<int, string>
    {
        [1] = "SIGHUP", [2] = "SIGINT", [3] = "SIGQUIT", [4] = "SIGILL", [6] = "SIGABRT", [7] = "SIGBUS", [8] = "SIGFPE",
        [9] = "SIGKILL", [11] = "SIGSEGV", [13] = "SIGPIPE", [14] = "SIGALRM", [15] = "SIGTERM",
    };

    public static string Describe(ObservedContainer container, ContainerLimits? limits)
    {
        var reason = container.OomKilled
            ? limits is null ? "killed: out of memory" : $"killed: out of memory (limit {Mebibytes(limits.MemoryBytes)} MiB)"
            : Exited(container.ExitCode);
        return container.LastLogLine is { Length: > 0 } line && !container.OomKilled
            ? $"{reason}; last log line: {Shorten(line.Trim())}"
            : reason;
    }

    /// <summary>128 + n is how the engine reports a main process that a signal ended (137: SIGKILL, e.g. docker kill or the kernel).</summary>
    public static string Exited(int? code) => code switch
    {
        null => "container exited with code unknown",
        > 128 and <= 128 + 64 => $"container killed by {SignalNames.GetValueOrDefault(code.Value - 128, $"signal {code.Value - 128}")} (exit code {code.Value.ToString(CultureInfo.InvariantCulture)})",
        _ => $"container exited with code {code.Value.ToString(CultureInfo.InvariantCulture)}",
    };

    private static string Mebibytes(long bytes) => (bytes / (1024d * 1024d)).ToString("0.#", CultureInfo.InvariantCulture);

    private static string Shorten(string line) => line.Length <= LastLineMaxChars ? line : line[..LastLineMaxChars] + "…";
}
