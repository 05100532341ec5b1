using PersonalCloud.ControlPlane.Audit;

namespace PersonalCloud.ControlPlane.Tests.Audit;

public sealed class AnonymousAuditWindowTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static AuditEntry Call(string ip, int status = 401, int second = 0, Guid? app = null, int ms = 1) =>
        new(T0.AddSeconds(second), AuditMiddleware.Anonymous, "POST", "/api/apps", "/api/apps", app, status, "create app x", ip, ms);

    [Test]
    public void Take_CountsCallsPerAddressRouteAndStatus_FromTheFirstToTheLast()
    {
        var window = new AnonymousAuditWindow();
        var app = Guid.NewGuid();
        window.Add(Call("198.51.100.1", second: 0, app: app, ms: 3));
        window.Add(Call("198.51.100.1", second: 5, app: app, ms: 9));
        window.Add(Call("198.51.100.1", 429, second: 6));
        window.Add(Call("198.51.100.2", second: 7));

        var rows = window.Take();

        rows.Select(r => (r.RemoteIp, r.StatusCode, r.Count)).Should().BeEquivalentTo(
            [("198.51.100.1", 401, 2), ("198.51.100.1", 429, 1), ("198.51.100.2", 401, 1)]);
        var first = rows.Single(r => r.RemoteIp == "198.51.100.1" && r.StatusCode == 401);
        first.At.Should().Be(T0);
        first.LastAt.Should().Be(T0.AddSeconds(5));
        first.AppId.Should().Be(app, "every call named the same app");
        first.DurationMs.Should().Be(9, "the slowest call");
        window.Take().Should().BeEmpty("counting starts afresh after a take");
    }

    [Test]
    public void Add_CallsOnDifferentApps_KeepNoApp()
    {
        var window = new AnonymousAuditWindow();
        window.Add(Call("198.51.100.1", app: Guid.NewGuid()));
        window.Add(Call("198.51.100.1", app: Guid.NewGuid()));

        window.Take().Should().ContainSingle().Which.AppId.Should().BeNull();
    }

    [Test]
    public void Add_BeyondTheAddressCap_CountsFurtherAddressesUnderNone()
    {
        var window = new AnonymousAuditWindow();
        for (var i = 0; i < AnonymousAuditWindow.MaxAddressesPerWindow + 500; i++)
            window.Add(Call($"10.{i / 65536}.{i / 256 % 256}.{i % 256}"));

        var rows = window.Take();

        rows.Should().HaveCount(AnonymousAuditWindow.MaxAddressesPerWindow + 1);
        rows.Single(r => r.RemoteIp is null).Count.Should().Be(500);
        rows.Sum(r => r.Count).Should().Be(AnonymousAuditWindow.MaxAddressesPerWindow + 500, "no call goes uncounted");
    }

    [Test]
    public void PutBack_MergesWithWhatArrivedMeanwhile()
    {
        var window = new AnonymousAuditWindow();
        window.Add(Call("198.51.100.1", second: 0));
        var failed = window.Take();
        window.Add(Call("198.51.100.1", second: 9));

        window.PutBack(failed);

        var row = window.Take().Should().ContainSingle().Subject;
        row.Count.Should().Be(2);
        row.LastAt.Should().Be(T0.AddSeconds(9));
    }
}
