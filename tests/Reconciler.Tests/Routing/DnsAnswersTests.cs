using ARSoft.Tools.Net;
using ARSoft.Tools.Net.Dns;
using PersonalCloud.Contracts.Routing;
using PersonalCloud.Reconciler.Routing;

namespace PersonalCloud.Reconciler.Tests.Routing;

public sealed class DnsAnswersTests
{
    private const int NotFound = 15380;
    private const int Unavailable = 15381;
    private static readonly RouteAnswerSettings Settings = RouteAnswerSettings.Create(NotFound, "dashboard.localhost");
    private static readonly DateTimeOffset Time = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly RouteSnapshot Routes = RouteSnapshot.Create(
    [
        new(Guid.NewGuid(), "blog", ["blog.localhost", "www.example.org"], ["10.0.0.2:8080", "10.0.0.3:8081"], Time, Time),
        new(Guid.NewGuid(), "idle", ["idle.localhost"], [], Time, Time),
        new(Guid.NewGuid(), "odd", ["odd.localhost"], ["web:80", "[::1]:80", "10.0.0.4:0", "10.0.0.4:99999"], Time, Time),
        new(Guid.NewGuid(), "squatter", ["dashboard.localhost"], ["10.0.0.9:80"], Time.AddDays(-1), Time.AddDays(-1)),
    ]);

    public static IEnumerable<TestCaseData> Cases()
    {
        const string blog1 = "SRV 0 1 8080 10-0-0-2.ip.pcloud.internal.";
        const string blog2 = "SRV 0 1 8081 10-0-0-3.ip.pcloud.internal.";
        yield return Case("blog.localhost", RecordType.Srv, ReturnCode.NoError, [blog1, blog2], "app with upstreams: one SRV per upstream");
        yield return Case("BLOG.LocalHost.", RecordType.Srv, ReturnCode.NoError, [blog1, blog2], "any case, trailing dot");
        yield return Case("www.example.org", RecordType.Srv, ReturnCode.NoError, [blog1, blog2], "custom domain of the app");
        yield return Case("blog.localhost", RecordType.Any, ReturnCode.NoError, [blog1, blog2], "ANY is answered like SRV");
        yield return Case("idle.localhost", RecordType.Srv, ReturnCode.NoError, [$"SRV 0 1 {Unavailable} 127-0-0-1.ip.pcloud.internal."], "app without upstreams: the 503 server");
        yield return Case("odd.localhost", RecordType.Srv, ReturnCode.NoError, [$"SRV 0 1 {Unavailable} 127-0-0-1.ip.pcloud.internal."], "no upstream usable as a target: the 503 server");
        yield return Case("dashboard.localhost", RecordType.Srv, ReturnCode.NoError, [$"SRV 0 1 {NotFound} 127-0-0-1.ip.pcloud.internal."], "the dashboard: Caddy serves it on its own route, so DNS routing never sends it to an app or the API's port");
        yield return Case("Dashboard.LOCALHOST.", RecordType.Srv, ReturnCode.NoError, [$"SRV 0 1 {NotFound} 127-0-0-1.ip.pcloud.internal."], "the dashboard in any case");
        yield return Case("dashboard.localhost", RecordType.A, ReturnCode.NoError, [], "the dashboard has only SRV records");
        yield return Case("127-0-0-1.ip.pcloud.internal", RecordType.A, ReturnCode.NoError, ["A 127.0.0.1"], "a loopback target");
        yield return Case("nobody.localhost", RecordType.Srv, ReturnCode.NoError, [$"SRV 0 1 {NotFound} 127-0-0-1.ip.pcloud.internal."], "unknown host: the 404 server");
        yield return Case("blog.localhost", RecordType.A, ReturnCode.NoError, [], "a request host has only SRV records");
        yield return Case("blog.localhost", RecordType.Aaaa, ReturnCode.NoError, [], "a request host has only SRV records");
        yield return Case("10-0-0-2.ip.pcloud.internal", RecordType.A, ReturnCode.NoError, ["A 10.0.0.2"], "an SRV target");
        yield return Case("10-0-0-2.IP.PCloud.Internal.", RecordType.A, ReturnCode.NoError, ["A 10.0.0.2"], "an SRV target in any case");
        yield return Case("172-18-0-255.ip.pcloud.internal", RecordType.Any, ReturnCode.NoError, ["A 172.18.0.255"], "ANY of a target gives its A");
        yield return Case("10-0-0-2.ip.pcloud.internal", RecordType.Aaaa, ReturnCode.NoError, [], "no IPv6 for a target");
        yield return Case("10-0-0-2.ip.pcloud.internal", RecordType.Srv, ReturnCode.NoError, [], "a target is no request host");
        yield return Case("256-0-0-1.ip.pcloud.internal", RecordType.A, ReturnCode.NxDomain, [], "octet out of range");
        yield return Case("1-2-3.ip.pcloud.internal", RecordType.A, ReturnCode.NxDomain, [], "three octets");
        yield return Case("0x7f-0-0-1.ip.pcloud.internal", RecordType.A, ReturnCode.NxDomain, [], "hex octet");
        yield return Case("1-2-3-4-5.ip.pcloud.internal", RecordType.A, ReturnCode.NxDomain, [], "five octets");
        yield return Case("x.10-0-0-2.ip.pcloud.internal", RecordType.A, ReturnCode.NxDomain, [], "a label too many");
        yield return Case("ip.pcloud.internal", RecordType.A, ReturnCode.NxDomain, [], "the zone itself");
    }

    [TestCaseSource(nameof(Cases))]
    public void Respond_Question_Answers(string name, RecordType type, ReturnCode expectedCode, string[] expectedAnswers)
    {
        var response = DnsAnswers.Respond(Query(name, type), Routes, Settings);

        response.ReturnCode.Should().Be(expectedCode);
        response.AnswerRecords.Select(Format).Should().Equal(expectedAnswers);
        foreach (var record in response.AnswerRecords)
        {
            record.Name.Should().Be(DomainName.Parse(name), "the answer is for the name as asked");
            record.TimeToLive.Should().Be(DnsAnswers.TimeToLive);
        }
    }

    [Test]
    public void Respond_AnyQuery_IsAnAuthoritativeResponseWithTheQuerysIdAndQuestion()
    {
        var query = Query("blog.localhost", RecordType.Srv);

        var response = DnsAnswers.Respond(query, Routes, Settings);

        response.IsQuery.Should().BeFalse();
        response.IsAuthoritiveAnswer.Should().BeTrue();
        response.TransactionID.Should().Be(query.TransactionID);
        response.Questions.Should().Equal(query.Questions);
    }

    [Test]
    public void Respond_EmptySnapshot_SendsEveryHostToTheNotFoundServer()
    {
        var response = DnsAnswers.Respond(Query("blog.localhost", RecordType.Srv), RouteSnapshot.Empty, Settings);

        response.AnswerRecords.Select(Format).Should().Equal($"SRV 0 1 {NotFound} 127-0-0-1.ip.pcloud.internal.");
    }

    [Test]
    public void Respond_QueryWithoutQuestion_IsAFormatError()
    {
        DnsAnswers.Respond(new DnsMessage { TransactionID = 7 }, Routes, Settings).ReturnCode.Should().Be(ReturnCode.FormatError);
    }

    [Test]
    public void Respond_OtherOperation_IsNotImplemented()
    {
        var query = Query("blog.localhost", RecordType.Srv);
        query.OperationCode = OperationCode.Status;

        DnsAnswers.Respond(query, Routes, Settings).ReturnCode.Should().Be(ReturnCode.NotImplemented);
    }

    [Test]
    public void Respond_DashboardHostnameWhenConfigured_IsThePlatformsNotTheDefault()
    {
        var settings = RouteAnswerSettings.Create(NotFound, PlatformHostnames.Dashboard("Panel.Example.org.", "localhost"));

        DnsAnswers.Respond(Query("panel.example.org", RecordType.Srv), Routes, settings).AnswerRecords.Select(Format)
            .Should().Equal($"SRV 0 1 {NotFound} 127-0-0-1.ip.pcloud.internal.");
        DnsAnswers.Respond(Query("dashboard.localhost", RecordType.Srv), Routes, settings).AnswerRecords.Select(Format)
            .Should().Equal(["SRV 0 1 80 10-0-0-9.ip.pcloud.internal."], "without the platform entry, the claiming app owns it");
    }

    private static TestCaseData Case(string name, RecordType type, ReturnCode code, string[] answers, string why) =>
        new TestCaseData(name, type, code, answers).SetName($"Respond_{type}_{name}_{why}");

    private static DnsMessage Query(string name, RecordType type)
    {
        var query = new DnsMessage { TransactionID = 4242 };
        query.Questions.Add(new DnsQuestion(DomainName.Parse(name), type, RecordClass.INet));
        return query;
    }

    private static string Format(DnsRecordBase record) => record switch
    {
        SrvRecord srv => $"SRV {srv.Priority} {srv.Weight} {srv.Port} {srv.Target}",
        ARecord a => $"A {a.Address}",
        _ => record.ToString(),
    };
}
