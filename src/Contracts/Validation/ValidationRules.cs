using System.Text.RegularExpressions;

namespace PersonalCloud.Contracts.Validation;

/// <summary>Input rules shared by the API and the dashboard. Each returns null when valid, else a message.</summary>
public static partial class ValidationRules
{
    public const int MinPort = 1;
    public const int MaxPort = 65535;
    public const int MaxEnvValueBytes = 32 * 1024;

    /// <summary>Names the platform keeps for itself so an app never shadows it.</summary>
    public static readonly IReadOnlySet<string> ReservedAppNames = new HashSet<string>(StringComparer.Ordinal)
    {
        "dashboard", "api", "admin", "www",
    };

    [GeneratedRegex("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")]
    private static partial Regex DnsLabel();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]{0,127}$")]
    private static partial Regex EnvKey();

    // [registry/]name[:tag][@digest]; as in Docker, a first component is a registry only with a '.', a ':' or 'localhost'.
    [GeneratedRegex(@"^(?:(?:[a-zA-Z0-9-]+(?:\.[a-zA-Z0-9-]+)+(?::[0-9]+)?|localhost(?::[0-9]+)?|[a-zA-Z0-9-]+:[0-9]+)/)?[a-z0-9]+(?:[._-]+[a-z0-9]+)*(?:/[a-z0-9]+(?:[._-]+[a-z0-9]+)*)*(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$|^sha256:[a-f0-9]{64}$")]
    private static partial Regex ImageReference();

    public static string? AppName(string? name)
    {
        if (string.IsNullOrEmpty(name))
            return "An app name is required.";
        if (name.Length > 63)
            return "An app name is at most 63 characters.";
        if (!DnsLabel().IsMatch(name))
            return "An app name is a DNS label: lower-case letters, digits and '-', starting and ending with a letter or digit.";
        if (ReservedAppNames.Contains(name))
            return $"'{name}' is reserved by the platform.";
        return null;
    }

    public static string? Image(string? image)
    {
        if (string.IsNullOrWhiteSpace(image))
            return "An image reference is required.";
        if (image.Length > 512 || !ImageReference().IsMatch(image))
            return "Not a valid image reference (expected name[:tag][@sha256:digest]).";
        return null;
    }

    public static string? Port(int? port) =>
        port is null or (>= MinPort and <= MaxPort) ? null : $"A port is between {MinPort} and {MaxPort}.";

    public static string? EnvKeyName(string? key)
    {
        if (string.IsNullOrEmpty(key) || !EnvKey().IsMatch(key))
            return "An environment variable name starts with a letter or '_' and holds only letters, digits and '_' (at most 128).";
        return null;
    }

    public static string? EnvValue(string? value)
    {
        if (value is null)
            return null;
        if (value.Contains('\0'))
            return "An environment variable value cannot contain a NUL character.";
        if (System.Text.Encoding.UTF8.GetByteCount(value) > MaxEnvValueBytes)
            return $"An environment variable value is at most {MaxEnvValueBytes} bytes.";
        return null;
    }

    /// <summary>
    /// A custom domain: a lower-case DNS name of two or more labels, not an IP literal (its last label is never all
    /// digits, RFC 3696) and not in the platform's own DNS zone (<see cref="Routing.RouteAnswers.PlatformZone"/>), whose
    /// names Caddy's route answers use.
    /// </summary>
    public static string? Hostname(string? hostname)
    {
        if (string.IsNullOrEmpty(hostname))
            return "A hostname is required.";
        if (hostname.Length > 253)
            return "A hostname is at most 253 characters.";
        var labels = hostname.Split('.');
        if (labels.Length < 2)
            return "A hostname has at least two labels (for example app.example.com).";
        foreach (var label in labels)
        {
            if (!DnsLabel().IsMatch(label))
                return $"'{label}' is not a valid lower-case DNS label.";
        }

        if (labels[^1].All(char.IsAsciiDigit))
            return $"'{hostname}' is an IP address, not a DNS name: a custom domain is a name (for example app.example.com) whose DNS points at this host.";
        var zone = Routing.RouteAnswers.PlatformZone;
        if (hostname == zone || hostname.EndsWith("." + zone, StringComparison.Ordinal))
            return $"'{hostname}' is in {zone}, the platform's own DNS zone (the answers Caddy routes by): choose a name of your own.";
        return null;
    }

    [GeneratedRegex("^[A-Za-z0-9._/-]{1,200}$")]
    private static partial Regex GitRefName();

    /// <summary>A repository the reconciler can clone: file://, http(s):// or git:// (no options smuggled in as URLs).</summary>
    public static string? GitUrl(string? url)
    {
        if (string.IsNullOrWhiteSpace(url))
            return "A git URL is required.";
        if (url.Length > 2048 || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("file" or "http" or "https" or "git"))
            return "A git URL is an absolute file://, http://, https:// or git:// URL.";
        return null;
    }

    public static string? GitRef(string? reference)
    {
        if (reference is null)
            return null;
        if (!GitRefName().IsMatch(reference) || reference.StartsWith('-') || reference.Contains("..", StringComparison.Ordinal))
            return "A git ref is a branch, tag or commit name of letters, digits, '.', '_', '/' and '-'.";
        return null;
    }

    public static string? HealthPath(string? path)
    {
        if (path is null)
            return null;
        if (!path.StartsWith('/') || path.Length > 512 || path.Any(char.IsWhiteSpace) || path.Contains("://", StringComparison.Ordinal))
            return "A health-check path starts with '/' and has no spaces (for example /healthz).";
        return null;
    }

    public static string? HealthInterval(int? seconds) =>
        seconds is null or (>= 1 and <= 3600) ? null : "A health-check interval is between 1 and 3600 seconds.";

    /// <summary>A whole-number setting within bounds; null (not given) is valid.</summary>
    public static string? Between(int? value, int min, int max, string what) =>
        value is null || (value >= min && value <= max) ? null : $"{what} is between {min} and {max}.";

    public static string? MemoryMb(int? mb) =>
        mb is null or (>= 16 and <= 65536) ? null : "A memory limit is between 16 and 65536 MB.";

    public static string? Cpus(double? cpus) =>
        cpus is null or (>= 0.01 and <= 64) ? null : "A CPU limit is between 0.01 and 64.";

    public static string? Pids(int? pids) =>
        pids is null or (>= 16 and <= 32768) ? null : "A pids limit is between 16 and 32768.";
}
