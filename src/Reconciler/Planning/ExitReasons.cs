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

    /// <summary>
    /// "killed: out of memory (limit 256 MB)", or "container killed by SIGKILL (exit code 137)" with the last line it
    /// printed. Megabytes as the API counts them (memoryMb, 1 MB = 1024 × 1024 bytes).
    /// </summary>
    public static string Describe(ObservedContainer container, ContainerLimits? limits)
    {
        if (container.OomKilled)
            return limits is null ? "killed: out of memory" : $"killed: out of memory (limit {Megabytes(limits.MemoryBytes)} MB)";
        var reason = Exited(container.ExitCode);
        return container.LastLogLine is { Length: > 0 } line && line.Trim().Length > 0
            ? $"{reason}; last log line: {Shorten(line.Trim())}"
            : reason;
    }

    /// <summary>
    /// What an exit code says by convention: 128 + n is how the engine reports a main process that signal n ended
    /// (137: SIGKILL, e.g. docker kill or the kernel); a shell's 126/127; 0 for a process that simply ended.
    /// </summary>
    public static string Exited(int? code) => code switch
    {
        null => "container exited with an unknown code",
        0 => "container exited with code 0 (the process ended; an app must keep running to serve)",
        126 => "container exited with code 126 (the command could not be run)",
        127 => "container exited with code 127 (command not found)",
        > 128 and <= 128 + 64 => $"container killed by {SignalNames.GetValueOrDefault(code.Value - 128, $"signal {code.Value - 128}")} (exit code {code.Value.ToString(CultureInfo.InvariantCulture)})",
        _ => $"container exited with code {code.Value.ToString(CultureInfo.InvariantCulture)}",
    };

    private static string Megabytes(long bytes) => (bytes / (1024d * 1024d)).ToString("0.#", CultureInfo.InvariantCulture);

    private static string Shorten(string line) => line.Length <= LastLineMaxChars ? line : line[..LastLineMaxChars] + "…";
}
