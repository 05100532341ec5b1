using System.Net;
using ARSoft.Tools.Net;
using ARSoft.Tools.Net.Dns;
using PersonalCloud.Contracts.Routing;

namespace PersonalCloud.Reconciler.Routing;

/// <summary>Asks the route DNS responder, as Caddy does, over UDP on loopback: what a host's traffic goes to right now.</summary>
public sealed class RouteDnsProbe(ProxySettings settings)
{
    private const int QueryTimeoutMilliseconds = 500;

    /// <summary>The SRV targets the responder answers for <paramref name="hostname"/>, or null when it does not answer.</summary>
    public async Task<IReadOnlyList<SrvTarget>?> TargetsAsync(string hostname, CancellationToken ct)
    {
        using var client = NewClient();
        var answer = await client.ResolveAsync(DomainName.Parse(hostname), RecordType.Srv, RecordClass.INet, null, ct);
        if (answer is null)
            return null;
        return answer.AnswerRecords.OfType<SrvRecord>()
            .Select(r => RouteAnswers.ParseIpLabel(r.Target.Labels[0]) is { } address ? new SrvTarget(address, r.Port) : null)
            .OfType<SrvTarget>()
            .ToList();
    }

    /// <summary>True when the responder answers at all (a name in its own address zone).</summary>
    public async Task<bool> AnswersAsync(CancellationToken ct)
    {
        using var client = NewClient();
        var name = DomainName.Parse(RouteAnswers.TargetName(IPAddress.Loopback));
        return await client.ResolveAsync(name, RecordType.A, RecordClass.INet, null, ct) is { ReturnCode: ReturnCode.NoError };
    }

    private DnsClient NewClient() =>
        new([IPAddress.Loopback], [new UdpClientTransport(settings.DnsPort)], disposeTransport: true, queryTimeout: QueryTimeoutMilliseconds);
}
