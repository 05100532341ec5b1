using System.Globalization;

namespace PersonalCloud.ControlPlane.Health;

/// <summary>
/// Reads the supervisor's state files (<c>$PCLOUD_DATA_DIR/run/supervise/&lt;name&gt;.state</c>, key=value lines).
/// The supervisor owns them; without a supervisor (the test fixture, a hand start) there are none.
/// </summary>
public sealed class SupervisorStates(string directory)
{
    public IReadOnlyDictionary<string, SupervisedProcess> Read()
    {
        var states = new Dictionary<string, SupervisedProcess>(StringComparer.Ordinal);
        if (!Directory.Exists(directory))
            return states;
        foreach (var path in Directory.EnumerateFiles(directory, "*.state"))
        {
            try
            {
                if (Parse(File.ReadAllLines(path)) is { } state)
                    states[Path.GetFileNameWithoutExtension(path)] = state;
            }
            catch (IOException)
            {
                // Being replaced right now: the next request reads the new one.
            }
        }

        return states;
    }

    public static SupervisedProcess? Parse(IEnumerable<string> lines)
    {
        var values = lines.Select(l => l.Split('=', 2)).Where(p => p.Length == 2)
            .GroupBy(p => p[0].Trim(), StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Last()[1].Trim(), StringComparer.Ordinal);
        if (!values.TryGetValue("state", out var state) || state.Length == 0)
            return null;
        return new SupervisedProcess(
            state,
            Int(values.GetValueOrDefault("pid")),
            Time(values.GetValueOrDefault("since")),
            Int(values.GetValueOrDefault("restarts")) ?? 0,
            values.GetValueOrDefault("last_exit") is { Length: > 0 } exit ? exit : null,
            Time(values.GetValueOrDefault("next_start")));
    }

    private static int? Int(string? text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : null;

    private static DateTimeOffset? Time(string? text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var value) ? value : null;
}
