using System.Globalization;

namespace PersonalCloud.Contracts.Validation;

/// <summary>Input rules for an app's volumes. Each returns null when valid, else a message that says what to do.</summary>
public static class VolumeRules
{
    /// <summary>Paths a volume may not cover: the kernel's and the engine's own, the image's config, and the sandbox's tmpfs scratch mounts.</summary>
    public static readonly IReadOnlyList<string> ReservedPaths = ["/proc", "/sys", "/dev", "/etc", "/tmp", "/var/tmp", "/run"];

    public const int MaxMountPathChars = 255;

    /// <summary>The same rule as a process name: a DNS label.</summary>
    public static string? Name(string? name)
    {
        if (string.IsNullOrEmpty(name))
            return "A volume name is required, e.g. \"data\".";
        return ProcessRules.Name(name, allowReserved: true) is null
            ? null
            : $"'{Shorten(name)}' is not a volume name: a DNS label of lower-case letters, digits and '-' (at most 63), starting and ending with a letter or digit.";
    }

    public static string? MountPath(string? path)
    {
        if (string.IsNullOrEmpty(path))
            return "A mount path is required: the absolute path inside the container, e.g. \"/data\".";
        if (path.Length > MaxMountPathChars)
            return $"A mount path is at most {MaxMountPathChars.ToString(CultureInfo.InvariantCulture)} characters.";
        if (!path.StartsWith('/'))
            return $"'{Shorten(path)}' is not absolute: a mount path starts with '/', e.g. \"/data\".";
        if (path.Any(c => char.IsControl(c) || c == ',' || c == ':' || char.IsWhiteSpace(c)))
            return "A mount path has no spaces, control characters, ',' or ':'.";
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Length == 0)
            return "A volume cannot be mounted at '/': pick a directory of its own, e.g. \"/data\".";
        if (segments.Any(s => s is "." or ".."))
            return $"'{Shorten(path)}' has '.' or '..' in it: give the plain absolute path.";
        var normal = Normalize(path);
        if (ReservedPaths.FirstOrDefault(r => normal == r || normal.StartsWith(r + "/", StringComparison.Ordinal)) is { } reserved)
            return $"'{Shorten(path)}' is under {reserved}, which the platform or the kernel owns (reserved: {string.Join(", ", ReservedPaths)}): pick another directory, e.g. \"/data\".";
        return null;
    }

    /// <summary>Without a trailing or doubled '/': the path as it is stored and compared.</summary>
    public static string Normalize(string path) => "/" + string.Join('/', path.Split('/', StringSplitOptions.RemoveEmptyEntries));

    /// <summary>Null: every process; else names each a process (checked against the app's by the store).</summary>
    public static string? Processes(IReadOnlyList<string>? processes)
    {
        if (processes is null)
            return null;
        if (processes.Count == 0)
            return "Give at least one process name, or leave \"processes\" out (null) to mount the volume into every process.";
        if (processes.FirstOrDefault(p => ProcessRules.Name(p) is not null) is { } bad)
            return ProcessRules.Name(bad);
        return processes.Distinct(StringComparer.Ordinal).Count() == processes.Count ? null : "A process is named twice.";
    }

    /// <summary>The confirmation a delete needs: the volume's (or app's) own name.</summary>
    public static bool Confirms(string? confirm, string name) => string.Equals(confirm, name, StringComparison.Ordinal);

    /// <summary>Two mount paths where one contains the other would hide a volume.</summary>
    public static bool Overlap(string a, string b)
    {
        var x = Normalize(a);
        var y = Normalize(b);
        return x == y || x.StartsWith(y + "/", StringComparison.Ordinal) || y.StartsWith(x + "/", StringComparison.Ordinal);
    }

    private static string Shorten(string value) => value.Length <= 80 ? value : value[..80] + "…";
}
