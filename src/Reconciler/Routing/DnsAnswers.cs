using System.Globalization;
using System.Net;
using ARSoft.Tools.Net;
using ARSoft.Tools.Net.Dns;

namespace PersonalCloud.Reconciler.Routing;

/// <summary>
/// What the DNS responder answers Caddy, from a route snapshot alone (no sockets). An SRV query for a request host
/// names the app's upstreams, or one of Caddy's loopback fallback servers; the SRV targets are names under
/// <c>ip.pcloud.internal.</c> that encode an IPv4 address, answered with an A record.
/// </summary>
public static class DnsAnswers
{
    public const int TimeToLive = 1;
    public static readonly DomainName IpZone = DomainName.Parse("ip.pcloud.internal");
    private static readonly IPAddress Loopback = IPAddress.Loopback;

    public static DnsMessage Respond(DnsMessage query, RouteSnapshot routes, int notFoundPort, int unavailablePort)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(routes);

        var response = query.CreateResponseInstance();
        response.IsAuthoritiveAnswer = true;
        if (query.OperationCode != OperationCode.Query)
        {
            response.ReturnCode = ReturnCode.NotImplemented;
            return response;
        }

        if (query.Questions.Count == 0)
        {
            response.ReturnCode = ReturnCode.FormatError;
            return response;
        }

        foreach (var question in query.Questions)
        {
            if (!Answer(question, routes, notFoundPort, unavailablePort, response.AnswerRecords))
                response.ReturnCode = ReturnCode.NxDomain;
        }

        return response;
    }

    /// <summary><c>10.0.0.5</c> → <c>10-0-0-5.ip.pcloud.internal.</c></summary>
    public static DomainName TargetFor(IPAddress address) =>
        DomainName.Parse(address.ToString().Replace('.', '-') + "." + IpZone);

    /// <summary>Adds the answers for one question; false when the name does not exist (NXDOMAIN).</summary>
    private static bool Answer(DnsQuestion question, RouteSnapshot routes, int notFoundPort, int unavailablePort, List<DnsRecordBase> answers)
    {
        var name = question.Name;
        var wantsAll = question.RecordType == RecordType.Any;
        if (name.IsEqualOrSubDomainOf(IpZone))
        {
            if (name.LabelCount != IpZone.LabelCount + 1 || ParseIpLabel(name.Labels[0]) is not { } address)
                return false;
            if (question.RecordType == RecordType.A || wantsAll)
                answers.Add(new ARecord(name, TimeToLive, address));
            return true; // AAAA and the rest: the name exists, with no such records.
        }

        if (question.RecordType != RecordType.Srv && !wantsAll)
            return true; // Every request host "exists" (it has an SRV record), so other types are empty, not NXDOMAIN.

        var hostname = string.Join('.', name.Labels);
        List<(IPAddress Address, int Port)> targets = routes.OwnerOf(hostname) switch
        {
            null => [(Loopback, notFoundPort)],
            var route => Upstreams(route) is { Count: > 0 } upstreams ? upstreams : [(Loopback, unavailablePort)],
        };
        foreach (var (address, port) in targets)
            answers.Add(new SrvRecord(name, TimeToLive, priority: 0, weight: 1, (ushort)port, TargetFor(address)));
        return true;
    }

    /// <summary>The route's "ipv4:port" upstreams; anything else (a name, IPv6, a bad port) cannot be a target and is skipped.</summary>
    private static List<(IPAddress Address, int Port)> Upstreams(StoredRoute route)
    {
        var result = new List<(IPAddress, int)>();
        foreach (var upstream in route.Upstreams)
        {
            var colon = upstream.LastIndexOf(':');
            if (colon > 0
                && ParseIpv4(upstream[..colon]) is { } address
                && int.TryParse(upstream[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port)
                && port is > 0 and <= ushort.MaxValue)
            {
                result.Add((address, port));
            }
        }

        return result;
    }

    private static IPAddress? ParseIpLabel(string label) => ParseIpv4(label.Replace('-', '.'));

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
