using System.Globalization;
using System.Text;

namespace PersonalCloud.Integration.Tests.Drills;

/// <summary>The machine's processes as /proc shows them: what a drill checks is gone after a stop.</summary>
public static class ProcessTable
{
    public sealed record Entry(int Pid, int ParentPid, IReadOnlyList<string> Arguments);

    public static bool Alive(int pid) => Read(pid) is { } entry && State(entry.Pid) is not ('Z' or 'X');

    /// <summary>Live processes whose parent is <paramref name="parentPid"/>.</summary>
    public static IReadOnlyList<Entry> Children(int parentPid) =>
        Pids().Select(Read).OfType<Entry>().Where(e => e.ParentPid == parentPid && Alive(e.Pid)).OrderBy(e => e.Pid).ToList();

    /// <summary>Live processes (not this one) whose command line or environment contains <paramref name="marker"/>.</summary>
    public static IReadOnlyList<int> PidsMentioning(string marker)
    {
        var self = Environment.ProcessId;
        return Pids().Where(pid => pid != self && Alive(pid) && (Contains(pid, "cmdline", marker) || Contains(pid, "environ", marker))).ToList();
    }

    /// <summary>As <see cref="PidsMentioning"/>, each as "pid: command line" for a failure message.</summary>
    public static IReadOnlyList<string> Mentioning(string marker) =>
        PidsMentioning(marker).Select(pid => $"{pid}: {string.Join(' ', Read(pid)?.Arguments ?? [])}").ToList();

    private static IEnumerable<int> Pids() =>
        Directory.EnumerateDirectories("/proc")
            .Select(Path.GetFileName)
            .Select(name => int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : 0)
            .Where(pid => pid > 0);

    private static Entry? Read(int pid)
    {
        var stat = ReadText(pid, "stat");
        var cmdline = ReadText(pid, "cmdline");
        if (stat is null || cmdline is null)
            return null;
        // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so fields count from the last ')'.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return new Entry(pid, int.Parse(fields[1], CultureInfo.InvariantCulture), cmdline.Split('\0', StringSplitOptions.RemoveEmptyEntries));
    }

    private static char State(int pid) => ReadText(pid, "stat") is { } stat ? stat[stat.LastIndexOf(')') + 2] : 'X';

    private static bool Contains(int pid, string file, string marker) => ReadText(pid, file)?.Contains(marker, StringComparison.Ordinal) == true;

    /// <summary>Null when the process is gone (or not ours to read).</summary>
    private static string? ReadText(int pid, string file)
    {
        try
        {
            return Encoding.UTF8.GetString(File.ReadAllBytes($"/proc/{pid}/{file}"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
