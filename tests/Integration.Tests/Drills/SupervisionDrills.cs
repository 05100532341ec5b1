using System.Diagnostics;
using System.Net;
using ARSoft.Tools.Net;
using ARSoft.Tools.Net.Dns;
using PersonalCloud.Contracts.Apps;
using PersonalCloud.Integration.Tests.Platform;
using PersonalCloud.Integration.Tests.Support;

namespace PersonalCloud.Integration.Tests.Platform.Drills;

/// <summary>
/// Faults of the platform's own processes on the shared platform: apps keep serving through Caddy while the
/// Reconciler is dead, and a restarted Reconciler carries on.
/// </summary>
[Category("Integration")]
[Category("Drill")]
// Alone: it kills the shared reconciler.
[NonParallelizable]
public sealed class SupervisionDrills : PlatformTest
{
    [Test]
    public async Task ReconcilerKilled_AppKeepsServingThroughCaddy_AndARestartedReconcilerCarriesOn()
    {
        var app = await Api.CreateAppAsync(PlatformApi.UniqueName("drill-rk"), Platform.HelloImage);
        await Api.WaitForAsync(app.Id, app.Generation, AppStatus.Running);
        await Eventually.UntilAsync(async () => (await Api.GetThroughProxyAsync(app.GeneratedHostname)).Status == HttpStatusCode.OK,
            PlatformApi.ConvergeTimeout, "the app serves through Caddy");

        try
        {
            using (var process = Process.GetProcessById(Platform.ReconcilerProcess.Id))
                process.Kill();
            await Platform.StopReconcilerAsync();

            // Caddy re-resolves an app's upstreams every refresh (20 ms): many go by while the reconciler is dead.
            var failures = await RouteProbe.FailuresOverAsync(() => Api.GetThroughProxyAsync(app.GeneratedHostname), RouteProbe.SeveralRefreshes);
            failures.Should().BeEmpty("apps keep serving while the Reconciler is dead");
        }
        finally
        {
            if (Platform.ReconcilerProcess.HasExited)
                Platform.StartReconciler();
        }

        var changed = await Api.SetEnvAsync(app.Id, new Dictionary<string, string?> { ["GREETING"] = "after-the-crash" });
        await Api.WaitForAsync(app.Id, changed.Generation, AppStatus.Running);
        await Eventually.UntilAsync(async () => (await Api.GetThroughProxyAsync(app.GeneratedHostname)).Body.Contains("after-the-crash", StringComparison.Ordinal),
            PlatformApi.ConvergeTimeout, "the restarted Reconciler rolls out the change and Caddy serves it");
    }

    [Test]
    public async Task RouteDnsStartedWhilePostgresIsUnreachable_AnswersFromItsSavedTable()
    {
        var app = await Api.CreateAppAsync(PlatformApi.UniqueName("drill-rs"), Platform.HelloImage);
        await Api.WaitForAsync(app.Id, app.Generation, AppStatus.Running);
        var dnsPort = int.Parse(Platform.ProcessEnvironment["PCLOUD_DNS_PORT"], System.Globalization.CultureInfo.InvariantCulture);
        var served = "";
        // Not the loopback fallbacks (404/503 servers): the app's container address.
        await Eventually.UntilAsync(async () => (served = await SrvAsync(dnsPort, app.GeneratedHostname)).Length > 0
                && !served.StartsWith(Contracts.Routing.RouteAnswers.TargetName(IPAddress.Loopback), StringComparison.Ordinal),
            PlatformApi.ConvergeTimeout, () => $"the platform's responder answers the app's container (last: {served})");
        var saved = Path.Combine(Platform.DataDir, "run", "routes.json");
        await Eventually.UntilAsync(async () => (await File.ReadAllTextAsync(saved)).Contains(app.Id.ToString(), StringComparison.Ordinal),
            TimeSpan.FromSeconds(30), "the responder saved the table with the app's route");

        // A second responder on its own port whose Postgres refuses connections: only the saved table can answer.
        var port = FreeUdpPort();
        var environment = new Dictionary<string, string>(Platform.ProcessEnvironment)
        {
            ["PCLOUD_DNS_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["PCLOUD_DATABASE_URL"] = new Npgsql.NpgsqlConnectionStringBuilder(Contracts.Hosting.DatabaseConnectionString.Normalize(Platform.DatabaseUrl)) { Port = 1 }.ConnectionString,
        };
        environment["PCLOUD_DATABASE_URL"].Should().NotBe(Platform.DatabaseUrl, "the isolated responder must not reach Postgres");
        var isolated = PlatformProcess.Start(RepoPaths.ReconcilerDll, ["route-dns"], environment, Path.Combine(Platform.DataDir, "logs", "route-dns-isolated.log"));
        await using (isolated)
        {
            var answer = "";
            await Eventually.UntilAsync(async () => (answer = await SrvAsync(port, app.GeneratedHostname)) == served,
                TimeSpan.FromSeconds(60), () => $"the isolated responder answers {served} from the saved table (last: {answer}; log: {isolated.ReadLog()})");
        }
    }

    [Test]
    public async Task RouteDnsNotAnswering_OldContainerIsNotDrained_UntilTheResponderServesTheSwitch()
    {
        var app = await Api.CreateAppAsync(PlatformApi.UniqueName("drill-rg"), Platform.HelloImage);
        await Api.WaitForAsync(app.Id, app.Generation, AppStatus.Running);
        await Platform.StopRouteDnsAsync();
        try
        {
            var changed = await Api.SetEnvAsync(app.Id, new Dictionary<string, string?> { ["GREETING"] = "switched" });
            IReadOnlyList<Contracts.Api.AppEventResponse> events = [];
            await Eventually.UntilAsync(async () =>
            {
                events = await Api.GetAsync<List<Contracts.Api.AppEventResponse>>($"/api/apps/{app.Id}/events?limit=50");
                return events.Any(e => e.Outcome != "succeeded" && e.Error?.Contains("route DNS responder does not answer", StringComparison.Ordinal) == true);
            }, PlatformApi.ConvergeTimeout, () => $"the journal says the drain waits for the responder (last: {string.Join(" | ", events.Take(5).Select(e => $"{e.Action} {e.Outcome} {e.Error}"))})");

            var running = (await PlatformDocker.AllContainersAsync(Platform, app.Id)).Count(c => c.State == "running");
            running.Should().Be(2, "the old container keeps running while the responder has not served the switch");

            Platform.StartRouteDns();
            await Api.WaitForAsync(app.Id, changed.Generation, AppStatus.Running);
            await Eventually.UntilAsync(async () => (await PlatformDocker.AllContainersAsync(Platform, app.Id)).Count == 1,
                PlatformApi.ConvergeTimeout, "the old container drains once the responder answers the new route");
            (await Api.GetThroughProxyAsync(app.GeneratedHostname)).Body.Should().Contain("switched");
        }
        finally
        {
            if (Platform.RouteDnsProcess.HasExited)
                Platform.StartRouteDns();
        }
    }

    private static async Task<string> SrvAsync(int port, string hostname)
    {
        using var client = new DnsClient([IPAddress.Loopback], [new UdpClientTransport(port)], disposeTransport: true, queryTimeout: 500);
        var answer = await client.ResolveAsync(DomainName.Parse(hostname), RecordType.Srv, RecordClass.INet, null, CancellationToken.None);
        return answer is null ? "" : string.Join(",", answer.AnswerRecords.OfType<SrvRecord>().Select(r => $"{r.Target}:{r.Port}").Order(StringComparer.Ordinal));
    }

    private static int FreeUdpPort()
    {
        using var socket = new System.Net.Sockets.UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.Client.LocalEndPoint!).Port;
    }
}
