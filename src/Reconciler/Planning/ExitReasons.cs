using System.Globalization;
using PersonalCloud.Reconciler.Containers;

namespace PersonalCloud.Reconciler.Planning;

/// <summary>Pure: says why a container stopped in words a user can act on, not only as an exit code.</summary>
public static class ExitReasons
{
    public const int LastLineMaxChars = 200;

    /// <summary>
    /// "killed: out of memory (limit 256 MB)", or "container exited with code 137 (killed by SIGKILL)" with the last line
    /// it printed. Megabytes as the API counts them (memoryMb, 1 MB = 1024 × 1024 bytes).
    /// </summary>
    public static string Describe(ObservedContainer container, ContainerLimits? limits)
    {
        if (container.OomKilled)
            return limits is null ? "killed: out of memory" : $"killed: out of memory (limit {Megabytes(limits.MemoryBytes)} MB)";
        var reason = container.ExitCode is { } code
            ? $"container exited with code {code.ToString(CultureInfo.InvariantCulture)}{Meaning(code)}"
            : "container exited with an unknown code";
        return container.LastLogLine is { Length: > 0 } line && line.Trim().Length > 0
            ? $"{reason}; last log line: {Shorten(line.Trim())}"
            : reason;
    }

    /// <summary>What an exit code says by convention: a shell's 126/127, 128 + n for signal n, 0 for a process that ended.</summary>
    public static string Meaning(int exitCode) => exitCode switch
    {
        0 => " (the process ended; an app must keep running to serve)",
        126 => " (the command could not be run)",
        127 => " (command not found)",
        > 128 and < 160 => Signal(exitCode - 128) is { } signal ? $" ({signal})" : $" (killed by signal {exitCode - 128})",
        _ => "",
    };

    private static string? Signal(int number) => number switch
    {
        1 => "hung up, SIGHUP",
        2 => "interrupted, SIGINT",
        6 => "aborted, SIGABRT",
        9 => "killed by SIGKILL",
        11 => "segmentation fault, SIGSEGV",
        15 => "stopped by SIGTERM",
        _ => null,
    };

    private static string Megabytes(long bytes) => (bytes / (1024d * 1024d)).ToString("0.#", CultureInfo.InvariantCulture);

    private static string Shorten(string line) => line.Length <= LastLineMaxChars ? line : line[..LastLineMaxChars] + "…";
}
