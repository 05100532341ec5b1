using System.Globalization;
using System.Net;

namespace PersonalCloud.Contracts.Routing;

/// <summary>One SRV answer: a request host's traffic goes to <paramref name="Address"/>:<paramref name="Port"/>.</summary>
public sealed record SrvTarget(IPAddress Address, int Port)
{
    /// <summary>The SRV target name, answered with an A record: <c>10.0.0.5</c> → <c>10-0-0-5.ip.pcloud.internal.</c></summary>
    public string TargetName => RouteAnswers.TargetName(Address);
}

/// <summary>
/// What the reconciler's DNS responder answers Caddy for a request host, without any DNS library: the reconciler turns
/// it into DNS messages, the ControlPlane into zone-file lines for the dashboard. One copy of the rules for both.
/// </summary>
public static class RouteAnswers
{
    /// <summary>The platform's own DNS zone: no app may claim a name in it (see <see cref="Validation.ValidationRules.Hostname"/>).</summary>
    public const string PlatformZone = "pcloud.internal";

    /// <summary>SRV targets' names: one per IPv4 address, <c>10-0-0-5.ip.pcloud.internal.</c></summary>
    public const string IpZone = "ip." + PlatformZone;
    public const int TimeToLive = 1;
    public const int Priority = 0;
    public const int Weight = 1;

    /// <summary>
    /// The targets for <paramref name="hostname"/>: a platform host's fixed target (it wins over any app's claim),
    /// else the owning app's upstreams (<paramref name="ownerUpstreams"/>, null when no app owns the host: the 404
    /// server), else, when none is usable, the 503 server.
    /// </summary>
    public static IReadOnlyList<SrvTarget> TargetsFor(string hostname, IReadOnlyList<string>? ownerUpstreams, RouteAnswerSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.PlatformHosts.TryGetValue(NormalizeHostname(hostname), out var platformPort))
            return [new SrvTarget(IPAddress.Loopback, platformPort)];
        if (ownerUpstreams is null)
            return [new SrvTarget(IPAddress.Loopback, settings.NotFoundPort)];
        var upstreams = Upstreams(ownerUpstreams);
        return upstreams.Count > 0 ? upstreams : [new SrvTarget(IPAddress.Loopback, settings.UnavailablePort)];
    }

    /// <summary>The answers for one host as zone-file lines: its SRV records, then the A record of each target.</summary>
    public static IReadOnlyList<string> ZoneLines(string hostname, IReadOnlyList<SrvTarget> targets) => ZoneLines([(hostname, targets)]);

    /// <summary>The answers for several hosts as zone-file lines: every SRV record, then the A record of each distinct target.</summary>
    public static IReadOnlyList<string> ZoneLines(IReadOnlyList<(string Hostname, IReadOnlyList<SrvTarget> Targets)> answers)
    {
        ArgumentNullException.ThrowIfNull(answers);
        var lines = answers.SelectMany(answer => answer.Targets.Select(t => string.Create(CultureInfo.InvariantCulture,
            $"{NormalizeHostname(answer.Hostname)}. {TimeToLive} IN SRV {Priority} {Weight} {t.Port} {t.TargetName}"))).ToList();
        lines.AddRange(answers.SelectMany(answer => answer.Targets).Select(t => t.Address).Distinct().Select(a => string.Create(CultureInfo.InvariantCulture,
            $"{TargetName(a)} {TimeToLive} IN A {a}")));
        return lines;
    }

    public static string TargetName(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return address.ToString().Replace('.', '-') + "." + IpZone + ".";
    }

    /// <summary>The address a label under <see cref="IpZone"/> encodes (<c>10-0-0-5</c>), or null.</summary>
    public static IPAddress? ParseIpLabel(string label) => ParseIpv4(label.Replace('-', '.'));

    /// <summary>Lower-cased, trimmed, without a trailing dot: DNS names are case-insensitive and may be absolute.</summary>
    public static string NormalizeHostname(string hostname) =>
        hostname.Trim().TrimEnd('.').ToLowerInvariant();

    /// <summary>The "ipv4:port" upstreams; anything else (a name, IPv6, a bad port) cannot be a target and is skipped.</summary>
    private static List<SrvTarget> Upstreams(IReadOnlyList<string> upstreams)
    {
        var result = new List<SrvTarget>();
        foreach (var upstream in upstreams)
        {
            var colon = upstream.LastIndexOf(':');
            if (colon > 0
                && ParseIpv4(upstream[..colon]) is { } address
                && int.TryParse(upstream[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port)
                && port is > 0 and <= ushort.MaxValue)
            {
                result.Add(new SrvTarget(address, port));
            }
        }

        return result;
    }

    /// <summary>Strict dotted quad: <see cref="IPAddress.TryParse(string, out IPAddress)"/> would also take "1.2" or "0x7f.1".</summary>
    private static IPAddress? ParseIpv4(string text)
    {
        var parts = text.Split('.');
        if (parts.Length != 4)
            return null;
        var bytes = new byte[4];
        for (var i = 0; i < 4; i++)
        {
            if (parts[i].Length is 0 or > 3 || !parts[i].All(char.IsAsciiDigit)
                || !byte.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out bytes[i]))
            {
                return null;
            }
        }

        return new IPAddress(bytes);
    }
}
