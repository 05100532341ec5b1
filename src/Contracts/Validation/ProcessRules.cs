using System.Globalization;
using System.Text.RegularExpressions;
using PersonalCloud.Contracts.Processes;

namespace PersonalCloud.Contracts.Validation;

/// <summary>Input rules for processes, scaling and the release command. Each returns null when valid, else a message.</summary>
public static partial class ProcessRules
{
    [GeneratedRegex("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")]
    private static partial Regex DnsLabel();

    /// <param name="allowReserved">A Procfile may name <c>release</c> (its release command); a process may not.</param>
    public static string? Name(string? name, bool allowReserved = false)
    {
        if (string.IsNullOrEmpty(name))
            return "A process name is required.";
        if (name.Length > 63 || !DnsLabel().IsMatch(name))
            return $"'{Shorten(name)}' is not a process name: a DNS label of lower-case letters, digits and '-' (at most 63), starting and ending with a letter or digit.";
        if (!allowReserved && name == ProcessLimits.ReleaseEntry)
            return "'release' names the release command (as in a Procfile), not a process: set it with PUT /api/apps/{id}/release-command.";
        return null;
    }

    public static string? Kind(string? kind) =>
        kind is null || ProcessKinds.IsKnown(kind) ? null : $"A process kind is '{ProcessKinds.Web}' or '{ProcessKinds.Worker}'.";

    /// <summary>A shell command line (run as <c>sh -c</c>); null means none.</summary>
    public static string? Command(string? command)
    {
        if (command is null)
            return null;
        if (command.Trim().Length == 0)
            return "A command has text in it; leave it out (null) to run the image's own CMD.";
        if (command.Length > ProcessLimits.MaxCommandChars)
            return $"A command is at most {ProcessLimits.MaxCommandChars.ToString(CultureInfo.InvariantCulture)} characters.";
        if (command.Contains('\0'))
            return "A command cannot contain a NUL character.";
        return null;
    }

    public static string? Replicas(int? replicas) =>
        replicas is null or (>= ProcessLimits.MinReplicas and <= ProcessLimits.MaxReplicas)
            ? null
            : $"Replicas are between {ProcessLimits.MinReplicas} and {ProcessLimits.MaxReplicas}.";

    public static string? UpdateOrder(string? order, string? kind)
    {
        if (order is null)
            return null;
        if (!UpdateOrders.IsKnown(order))
            return $"An update order is '{UpdateOrders.StartFirst}' or '{UpdateOrders.StopFirst}'.";
        return order == UpdateOrders.StopFirst && kind == ProcessKinds.Web
            ? "A web process is always replaced start-first (new replicas are healthy before traffic leaves the old ones); only a worker can be stop-first."
            : null;
    }

    /// <summary>An exec liveness command belongs to a worker: a web process keeps its HTTP health check.</summary>
    public static string? Liveness(string? command, string? kind) =>
        command is not null && kind == ProcessKinds.Web
            ? "A web process is checked over HTTP (the app's health check); a liveness command is for a worker."
            : Command(command);

    public static string? ReleaseCommandTimeout(int? seconds) =>
        ValidationRules.Between(seconds, 1, ProcessLimits.MaxReleaseCommandTimeoutSeconds, "A release command timeout");

    private static string Shorten(string value) => value.Length <= 70 ? value : value[..70] + "…";
}
