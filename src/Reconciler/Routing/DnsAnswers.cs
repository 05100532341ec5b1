using ARSoft.Tools.Net;
using ARSoft.Tools.Net.Dns;
using PersonalCloud.Contracts.Routing;

namespace PersonalCloud.Reconciler.Routing;

/// <summary>
/// What the DNS responder answers Caddy, from a route snapshot alone (no sockets). An SRV query for a request host
/// names the app's upstreams, a platform host's service, or one of Caddy's loopback fallback servers (the rules are
/// <see cref="RouteAnswers"/>, shared with the dashboard); the SRV targets are names under <c>ip.pcloud.internal.</c>
/// that encode an IPv4 address, answered with an A record.
/// </summary>
public static class DnsAnswers
{
    public const int TimeToLive = RouteAnswers.TimeToLive;
    public static readonly DomainName IpZone = DomainName.Parse(RouteAnswers.IpZone);

    public static DnsMessage Respond(DnsMessage query, RouteSnapshot routes, RouteAnswerSettings settings)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(routes);
        ArgumentNullException.ThrowIfNull(settings);

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
            if (!Answer(question, routes, settings, response.AnswerRecords))
                response.ReturnCode = ReturnCode.NxDomain;
        }

        return response;
    }

    /// <summary>Adds the answers for one question; false when the name does not exist (NXDOMAIN).</summary>
    private static bool Answer(DnsQuestion question, RouteSnapshot routes, RouteAnswerSettings settings, List<DnsRecordBase> answers)
    {
        var name = question.Name;
        var wantsAll = question.RecordType == RecordType.Any;
        if (name.IsEqualOrSubDomainOf(IpZone))
        {
            if (name.LabelCount != IpZone.LabelCount + 1 || RouteAnswers.ParseIpLabel(name.Labels[0]) is not { } address)
                return false;
            if (question.RecordType == RecordType.A || wantsAll)
                answers.Add(new ARecord(name, TimeToLive, address));
            return true; // AAAA and the rest: the name exists, with no such records.
        }

        if (question.RecordType != RecordType.Srv && !wantsAll)
            return true; // Every request host "exists" (it has an SRV record), so other types are empty, not NXDOMAIN.

        var hostname = string.Join('.', name.Labels);
        foreach (var target in RouteAnswers.TargetsFor(hostname, routes.OwnerOf(hostname)?.Upstreams, settings))
        {
            answers.Add(new SrvRecord(name, TimeToLive, (ushort)RouteAnswers.Priority, (ushort)RouteAnswers.Weight, (ushort)target.Port,
                DomainName.Parse(target.TargetName)));
        }

        return true;
    }
}
