using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using PersonalCloud.Integration.Tests.Support;
using PersonalCloud.Reconciler.Routing;

namespace PersonalCloud.Integration.Tests.Routing;

/// <summary>Traffic through a real Caddy whose only routing is the reconciler's DNS responder: no route change reloads Caddy.</summary>
[Category("Integration")]
// Alone: it asserts a traffic switch within a deadline of seconds, which other tests' load would stretch.
[NonParallelizable]
public sealed class DnsRoutingTests
{
    private const int Clients = 8;
    private const int Switches = 4;

    // As long as the planner keeps an old container after a switch: Caddy may use an SRV answer for up to 1 s.
    private static readonly TimeSpan Drain = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan SwitchDeadline = TimeSpan.FromSeconds(2.5);

    private RoutingStack _stack = null!;
    private TestUpstream _upstream = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _stack = await RoutingStack.StartAsync();
        _upstream = new TestUpstream("hello from the upstream");
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        _upstream?.Dispose();
        if (_stack is not null)
            await _stack.DisposeAsync();
    }

    [Test]
    public async Task Request_ForAnAppsHostname_ReachesItsUpstream()
    {
        var route = RoutingStack.NewRoute(_upstream.Dial);

        (await _stack.Routes.ApplyAsync(route.AppId, route, CancellationToken.None)).Should().BeTrue();

        (await _stack.GetAsync(route.Hostnames[0])).Should().Be((HttpStatusCode.OK, _upstream.Body));
    }

    [Test]
    public async Task Request_ForACustomDomainInAnotherCase_ReachesTheApp()
    {
        var route = RoutingStack.NewRoute(_upstream.Dial);
        var domain = $"Shop-{route.AppId:N}.Example.ORG";
        await _stack.Routes.ApplyAsync(route.AppId, route with { Hostnames = [route.Hostnames[0], domain] }, CancellationToken.None);

        (await _stack.GetAsync(domain.ToUpperInvariant())).Should().Be((HttpStatusCode.OK, _upstream.Body));
    }

    [Test]
    public async Task Request_ForUnknownHost_Gets404NoAppAtThisHost()
    {
        (await _stack.GetAsync($"nobody-{Guid.NewGuid():N}.localhost")).Should().Be((HttpStatusCode.NotFound, CaddyConfigBuilder.NotFoundBody));
    }

    [Test]
    public async Task Request_ForAnAppWithoutUpstreams_Gets503()
    {
        var route = RoutingStack.NewRoute();
        await _stack.Routes.ApplyAsync(route.AppId, route, CancellationToken.None);

        (await _stack.GetAsync(route.Hostnames[0])).Should().Be((HttpStatusCode.ServiceUnavailable, CaddyConfigBuilder.UnavailableBody));
    }

    [Test]
    public async Task Apply_Null_SendsTheHostnameToThe404ServerAgain()
    {
        var route = RoutingStack.NewRoute(_upstream.Dial);
        await _stack.Routes.ApplyAsync(route.AppId, route, CancellationToken.None);
        (await _stack.GetAsync(route.Hostnames[0])).Status.Should().Be(HttpStatusCode.OK);

        (await _stack.Routes.ApplyAsync(route.AppId, null, CancellationToken.None)).Should().BeTrue();

        await Eventually.UntilAsync(async () => (await _stack.GetAsync(route.Hostnames[0])).Status == HttpStatusCode.NotFound,
            SwitchDeadline, "the removed app's hostname answers 404 once Caddy's cached answer expires");
    }

    [Test]
    public async Task Apply_NewAppAndDomain_LeavesCaddysConfigAlone()
    {
        var (_, etagBefore) = await _stack.Admin.GetAppsAsync(CancellationToken.None);
        var loadsBefore = _stack.Caddy.ConfigLoads;
        var route = RoutingStack.NewRoute(_upstream.Dial);

        await _stack.Routes.ApplyAsync(route.AppId, route, CancellationToken.None);
        await _stack.Routes.ApplyAsync(route.AppId, route with { Hostnames = [.. route.Hostnames, $"d-{route.AppId:N}.example.org"] }, CancellationToken.None);
        (await _stack.GetAsync($"d-{route.AppId:N}.example.org")).Status.Should().Be(HttpStatusCode.OK);

        var (_, etagAfter) = await _stack.Admin.GetAppsAsync(CancellationToken.None);
        etagAfter.Should().NotBeNull().And.Be(etagBefore);
        _stack.Caddy.ConfigLoads.Should().Be(loadsBefore);
    }

    [Test]
    public async Task Apply_SwitchingUpstreamsUnderKeepAliveLoad_DropsNoRequestAndNeverReloadsCaddy()
    {
        var upstreams = new List<TestUpstream> { new("u0") };
        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = Clients }) { Timeout = TimeSpan.FromSeconds(15) };
        using var stop = new CancellationTokenSource();
        try
        {
            var route = RoutingStack.NewRoute(upstreams[0].Dial);
            await _stack.Routes.ApplyAsync(route.AppId, route, CancellationToken.None);
            await Eventually.UntilAsync(async () => (await _stack.GetAsync(route.Hostnames[0])).Body == "u0", SwitchDeadline, "the first upstream serves");
            var (_, etagBefore) = await _stack.Admin.GetAppsAsync(CancellationToken.None);
            var loadsBefore = _stack.Caddy.ConfigLoads;

            var failures = new ConcurrentQueue<string>();
            var load = Enumerable.Range(0, Clients).Select(_ => Task.Run(() => LoadAsync(client, route.Hostnames[0], failures, stop.Token))).ToArray();
            var switchTimes = new List<TimeSpan>();
            for (var i = 1; i <= Switches; i++)
            {
                var next = new TestUpstream($"u{i}");
                upstreams.Add(next);
                var switched = Stopwatch.GetTimestamp();
                await _stack.Routes.ApplyAsync(route.AppId, route with { Upstreams = [next.Dial] }, CancellationToken.None);
                await Eventually.UntilAsync(() => Task.FromResult(next.Served > 0), TimeSpan.FromSeconds(5), $"traffic reaches upstream u{i}");
                switchTimes.Add(Stopwatch.GetElapsedTime(switched));

                // The drain itself, not a wait for a condition: the old upstream serves on for a fixed time, then goes.
                await Task.Delay(Drain - Stopwatch.GetElapsedTime(switched) is { Ticks: > 0 } rest ? rest : TimeSpan.Zero);
                upstreams[i - 1].Dispose();
            }

            var lastServed = upstreams[^1].Served;
            await Eventually.UntilAsync(() => Task.FromResult(upstreams[^1].Served > lastServed + 100), TimeSpan.FromSeconds(10), "the load goes on after the last drain");
            await stop.CancelAsync();
            await Task.WhenAll(load);

            TestContext.Progress.WriteLine($"served per upstream: {string.Join(", ", upstreams.Select(u => $"{u.Body}={u.Served}"))}; " +
                $"switch -> first request: {string.Join(", ", switchTimes.Select(t => $"{t.TotalMilliseconds:0} ms"))}");
            failures.Should().BeEmpty("no request may fail while upstreams switch");
            upstreams.Should().OnlyContain(u => u.Served > 0);
            switchTimes.Should().OnlyContain(t => t < SwitchDeadline);
            var (_, etagAfter) = await _stack.Admin.GetAppsAsync(CancellationToken.None);
            etagAfter.Should().Be(etagBefore);
            _stack.Caddy.ConfigLoads.Should().Be(loadsBefore, "switching upstreams must not reload Caddy");
        }
        finally
        {
            await stop.CancelAsync();
            foreach (var upstream in upstreams)
                upstream.Dispose();
        }
    }

    [Test]
    public async Task Requests_WhileTheDnsResponderRestarts_AreDelayedNotFailed()
    {
        var route = RoutingStack.NewRoute(_upstream.Dial);
        await _stack.Routes.ApplyAsync(route.AppId, route, CancellationToken.None);
        (await _stack.GetAsync(route.Hostnames[0])).Status.Should().Be(HttpStatusCode.OK);
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(15) };
        using var stop = new CancellationTokenSource();
        var failures = new ConcurrentQueue<string>();
        var before = _upstream.Served;

        // Longer than Caddy's 1 s answer cache, shorter than its 5 s try_duration: lookups fail, then succeed again.
        var load = Task.Run(() => LoadAsync(client, route.Hostnames[0], failures, stop.Token));
        await _stack.RestartDnsAsync(TimeSpan.FromSeconds(2.5));
        var afterRestart = _upstream.Served;
        await Eventually.UntilAsync(() => Task.FromResult(_upstream.Served > afterRestart + 10), TimeSpan.FromSeconds(10), "requests flow after the restart");
        await stop.CancelAsync();
        await load;

        failures.Should().BeEmpty("Caddy retries a failed lookup until the responder is back");
        _upstream.Served.Should().BeGreaterThan(before);
    }

    private async Task LoadAsync(HttpClient client, string host, ConcurrentQueue<string> failures, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{_stack.Caddy.HttpPort}/");
            request.Headers.Host = host;
            try
            {
                using var response = await client.SendAsync(request, CancellationToken.None);
                var body = await response.Content.ReadAsStringAsync(CancellationToken.None);
                if (response.StatusCode != HttpStatusCode.OK)
                    failures.Enqueue($"{(int)response.StatusCode} {body}");
            }
            catch (HttpRequestException e)
            {
                failures.Enqueue(e.Message);
            }
        }
    }
}
