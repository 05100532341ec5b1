using System.Text.RegularExpressions;

namespace PersonalCloud.Contracts.Processes;

/// <summary>
/// A build context's <c>Procfile</c>: one <c>name: command</c> per line, as on Heroku and Dokku; blank lines and lines
/// starting with <c>#</c> are skipped. Names are process names (DNS labels); the <c>release</c> entry is the release
/// command, not a process. Parsed once at build time and kept with the image (a label), so every release of that image
/// (an env change, a rollback) has it.
/// </summary>
public sealed partial record Procfile(IReadOnlyDictionary<string, string> Entries)
{
    public const string FileName = "Procfile";
    public const int MaxBytes = 64 * 1024;
    public const int MaxEntries = ProcessLimits.MaxProcesses + 1;

    [GeneratedRegex(@"^([^:\s]+)\s*:\s*(.*)$")]
    private static partial Regex Line();

    /// <summary>The process entries (every entry but <c>release</c>), by name.</summary>
    public IReadOnlyDictionary<string, string> Processes =>
        Entries.Where(e => e.Key != ProcessLimits.ReleaseEntry).ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal);

    /// <summary>The <c>release</c> entry: the release command, unless the API sets one.</summary>
    public string? ReleaseCommand => Entries.GetValueOrDefault(ProcessLimits.ReleaseEntry);

    /// <summary>The Procfile, or why it cannot be used (naming the line), for the build's failure reason.</summary>
    public static (Procfile? Procfile, string? Error) Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (System.Text.Encoding.UTF8.GetByteCount(text) > MaxBytes)
            return (null, $"the Procfile is larger than {MaxBytes / 1024} KiB");
        var entries = new Dictionary<string, string>(StringComparer.Ordinal);
        var number = 0;
        foreach (var raw in text.Split('\n'))
        {
            number++;
            var line = raw.TrimEnd('\r').Trim();
            if (line.Length == 0 || line.StartsWith('#'))
                continue;
            var match = Line().Match(line);
            if (!match.Success)
                return (null, $"Procfile line {number} is not 'name: command'");
            var name = match.Groups[1].Value;
            var command = match.Groups[2].Value.Trim();
            if (Validation.ProcessRules.Name(name, allowReserved: true) is { } nameError)
                return (null, $"Procfile line {number}: {nameError}");
            if ((command.Length == 0 ? "the command is empty" : Validation.ProcessRules.Command(command)) is { } commandError)
                return (null, $"Procfile line {number} ({name}): {commandError}");
            if (!entries.TryAdd(name, command))
                return (null, $"Procfile line {number}: '{name}' is declared twice");
            if (entries.Count > MaxEntries)
                return (null, $"the Procfile declares more than {ProcessLimits.MaxProcesses} processes");
        }

        return (new Procfile(entries), null);
    }

    /// <summary>As stored in an image label and a release row: a JSON object of name to command.</summary>
    public string ToJson() => System.Text.Json.JsonSerializer.Serialize(Entries.OrderBy(e => e.Key, StringComparer.Ordinal).ToDictionary(e => e.Key, e => e.Value));

    /// <summary>Null for null, empty or unreadable JSON (a label someone else wrote): such an image has no Procfile.</summary>
    public static Procfile? FromJson(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
            return null;
        try
        {
            var entries = System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, string>>(json);
            return entries is null ? null : new Procfile(new Dictionary<string, string>(entries, StringComparer.Ordinal));
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }
}
