using System.Net;
using Docker.DotNet.Models;
using PersonalCloud.Contracts.Api;
using PersonalCloud.Contracts.Apps;
using PersonalCloud.Integration.Tests.Platform;
using PersonalCloud.Integration.Tests.Support;

namespace PersonalCloud.Integration.Tests.Platform.Drills;

/// <summary>The status tells the truth: why an app died, that it died, and that the reconciler keeps failing on it.</summary>
[Category("Integration")]
[Category("Drill")]
// Alone: it keeps every reconcile worker of the shared reconciler busy.
[NonParallelizable]
public sealed class StatusTruthDrills : PlatformTest
{
    [Test]
    public async Task App_AllocatingPastItsMemoryLimit_IsReportedAsKilledOutOfMemory_AndOnlyItDies()
    {
        var neighbour = await Api.CreateAppAsync(PlatformApi.UniqueName("oomneighbour"), Platform.HelloImage);
        var image = await SandboxApps.BuildAllocatorAsync(Platform);
        var app = await SandboxApps.CreateAsync(Api, new { name = PlatformApi.UniqueName("oom"), image, limits = new { memoryMb = 64 } });
        try
        {
            var release = await SandboxApps.WaitForReleaseAsync(Api, app.Id, ReleaseStatus.Failed);
            var status = await Api.GetAppAsync(app.Id);
            var events = await Api.GetAsync<IReadOnlyList<AppEventResponse>>($"/api/apps/{app.Id}/events");

            release.FailureReason.Should().Be("killed: out of memory (limit 64 MB)", "the limit as the API sets it (memoryMb), not exit code 137");
            status!.LastError.Should().Contain("killed: out of memory (limit 64 MB)");
            status.LastFailedRelease!.Release.FailureReason.Should().Be("killed: out of memory (limit 64 MB)");
            events.Should().Contain(e => e.Action == "FailRelease" && e.Outcome == "failed" && e.Error!.Contains("out of memory"));
            await SandboxApps.RunningContainerAsync(Platform, Api, neighbour.Id);
            (await Api.GetThroughProxyAsync(neighbour.GeneratedHostname)).Status.Should().Be(HttpStatusCode.OK);
        }
        finally
        {
            await SandboxApps.DeleteAsync(Api, app.Id);
            await SandboxApps.DeleteAsync(Api, neighbour.Id);
        }
    }

    [Test]
    public async Task App_WhoseProcessIsKilled_LeavesRunning_AndItsRouteDropsTheDeadContainer()
    {
        var app = await Api.CreateAppAsync(PlatformApi.UniqueName("killed"), Platform.HelloImage);
        try
        {
            var container = await SandboxApps.RunningContainerAsync(Platform, Api, app.Id);
            var ip = container.NetworkSettings!.Networks!.Values.Single().IPAddress;
            (await RouteAsync(app.Id))!.Upstreams.Should().ContainSingle().Which.Should().StartWith(ip + ":");

            await SandboxApps.ShAsync(Platform, container.ID, "kill -9 $(pidof httpd)");

            AppResponse? status = null;
            RouteInternalsResponse? route = null;
            await Eventually.UntilAsync(async () =>
            {
                status = await Api.GetAppAsync(app.Id);
                route = await RouteAsync(app.Id);
                return status is not null && status.Status != AppStatus.Running && route is not null && !route.Upstreams.Any(u => u.StartsWith(ip + ":", StringComparison.Ordinal));
            }, PlatformApi.ConvergeTimeout, () => $"status leaves running (now {status?.Status}) and the route drops {ip} (now {string.Join(",", route?.Upstreams ?? [])})");
            status!.Status.Should().Be(AppStatus.CrashLooping);
            (await Api.GetThroughProxyAsync(app.GeneratedHostname)).Status.Should().Be(HttpStatusCode.ServiceUnavailable);
        }
        finally
        {
            await SandboxApps.DeleteAsync(Api, app.Id);
        }
    }

    [Test]
    public async Task ServingContainerSigkilled_WhileEveryReconcileWorkerIsBusy_RequestsGet503FromTheFallback_NeverA502()
    {
        var app = await Api.CreateAppAsync(PlatformApi.UniqueName("sigkill"), Platform.HelloImage);
        var busy = new List<AppResponse>();
        try
        {
            var container = await SandboxApps.RunningContainerAsync(Platform, Api, app.Id);

            // Deploys whose health probe never answers: each pass waits out the probe's 15 s timeout, one on every worker
            // (shorter than the health monitor's three missed checks, so the crash is the pass's to count).
            var slow = await SandboxApps.BuildSlowHealthAsync(Platform);
            for (var i = 0; i < new Reconciler.Hosting.ReconcilerOptions().Workers; i++)
            {
                busy.Add(await SandboxApps.CreateAsync(Api, new
                {
                    name = PlatformApi.UniqueName("busy"), image = slow,
                    healthCheck = new { path = "/cgi-bin/slow", timeoutSeconds = 15, deployDeadlineSeconds = 600 },
                }));
            }

            // A probe hangs in every busy app (its CGI sleeps): every worker is inside a pass that lasts until the probe's timeout.
            await Eventually.UntilAsync(async () =>
            {
                var containers = await Task.WhenAll(busy.Select(b => PlatformDocker.RunningContainersAsync(Platform, b.Id)));
                if (!containers.All(c => c.Count == 1))
                    return false;
                var sleeping = await Task.WhenAll(containers.Select(c => SandboxApps.ShAsync(Platform, c[0].ID, "pidof sleep || true")));
                return sleeping.All(pids => pids.Trim().Length > 0);
            }, PlatformApi.ConvergeTimeout, "every busy app has a health probe waiting on it");

            var killed = new TaskCompletionSource();
            var answers = new System.Collections.Concurrent.ConcurrentQueue<string>();
            var timeline = new System.Collections.Concurrent.ConcurrentQueue<string>();
            var clock = new System.Diagnostics.Stopwatch();
            using var stop = new CancellationTokenSource(PlatformApi.ConvergeTimeout);

            // Requests sent after the kill (one in flight at that moment may be cut off with the process, as any would be).
            var probes = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    var afterKill = killed.Task.IsCompleted;
                    var sentAt = clock.Elapsed;
                    var answer = await AnswerAsync(app.GeneratedHostname);
                    if (!afterKill)
                        continue;
                    answers.Enqueue(answer);
                    timeline.Enqueue($"+{sentAt.TotalMilliseconds:0}ms ({(clock.Elapsed - sentAt).TotalMilliseconds:0}ms) {answer[..Math.Min(answer.Length, 40)]}");
                }
            })).ToList();
            await Platform.Docker.Containers.KillContainerAsync(container.ID, new ContainerKillParameters { Signal = "SIGKILL" });
            clock.Start();
            killed.SetResult();

            await Eventually.UntilAsync(() => Task.FromResult(answers.Count >= 40),
                PlatformApi.ConvergeTimeout, () => $"requests after the kill are answered (so far: {string.Join(" | ", answers.Distinct())})");
            await stop.CancelAsync();
            await Task.WhenAll(probes);

            TestContext.Out.WriteLine($"answers after the kill: {string.Join(" | ", answers.GroupBy(a => a).Select(g => $"{g.Count()}× {g.Key}"))}");
            TestContext.Out.WriteLine($"first answers (sent after the kill, duration): {string.Join(" | ", timeline.Take(24))}");
            answers.Should().OnlyContain(a => a.StartsWith("503 ", StringComparison.Ordinal),
                "the route leaves the dead container at once: the fallback answers 503, no request waits for a dead address into a 502");
            answers.Should().Contain(a => a.Contains(Reconciler.Routing.CaddyConfigBuilder.UnavailableBody));

            // The status says what happened at once, though no worker is free yet; the journal says why the route changed.
            var status = await Api.GetAppAsync(app.Id);
            status!.Status.Should().Be(AppStatus.CrashLooping);
            status.LastError.Should().Contain("killed by SIGKILL (exit code 137)");
            var shortId = container.ID[..12];
            var events = await Api.GetAsync<IReadOnlyList<AppEventResponse>>($"/api/apps/{app.Id}/events");
            events.Should().Contain(e => e.Action == "DropDeadUpstream" && e.Reason.Contains(shortId) && e.Reason.Contains("killed by SIGKILL"));

            // Once a worker is free, the pass counts the crash and restarts after the backoff.
            await Eventually.UntilAsync(async () => (await Api.GetAppAsync(app.Id))!.CrashCount == 1, PlatformApi.ConvergeTimeout, "the crash is counted");
            (await Api.GetAsync<IReadOnlyList<AppEventResponse>>($"/api/apps/{app.Id}/events"))
                .Should().Contain(e => e.Action == "BackOffAfterCrash" && e.Outcome == "failed" && e.Error != null && e.Error.Contains("killed by SIGKILL (exit code 137)"));
        }
        finally
        {
            await SandboxApps.DeleteAsync(Api, app.Id);
            foreach (var b in busy)
                await SandboxApps.DeleteAsync(Api, b.Id);
        }
    }

    [Test]
    public async Task Reconcile_ThatKeepsFailing_ShowsRetryingWithTheReason_UntilTheCauseIsGone()
    {
        var app = await Api.CreateAppAsync(PlatformApi.UniqueName("retrying"), Platform.HelloImage);
        string? squatter = null;
        try
        {
            var container = await SandboxApps.RunningContainerAsync(Platform, Api, app.Id);
            var name = container.Names.Single().TrimStart('/');

            // The container dies; the restart after the crash backoff wants the same name, which a foreign container
            // that cannot start now holds: every attempt fails until it is gone.
            await Platform.Docker.Containers.KillContainerAsync(container.ID, new ContainerKillParameters { Signal = "SIGKILL" });
            await Eventually.UntilAsync(async () => (await PlatformDocker.AllContainersAsync(Platform, app.Id)).Count == 0,
                PlatformApi.ConvergeTimeout, "the dead container is removed");
            squatter = (await Platform.Docker.Containers.CreateContainerAsync(new CreateContainerParameters
            {
                Name = name,
                Image = Platform.HelloImage,
                Cmd = ["/no/such/program"],
                Labels = new Dictionary<string, string> { [TestImages.TestLabel] = "true" },
            })).ID;

            AppResponse? status = null;
            await Eventually.UntilAsync(async () =>
            {
                status = await Api.GetAppAsync(app.Id);
                return status?.Status == AppStatus.Retrying;
            }, PlatformApi.ConvergeTimeout, () => $"the app shows retrying (now {status?.Status}: {status?.LastError})");
            status!.LastError.Should().MatchRegex(@"^reconcile failed \(attempt \d+\): the container engine answered \d{3}: .*no/such/program.*; next retry at ");

            await Platform.Docker.Containers.RemoveContainerAsync(squatter, new ContainerRemoveParameters { Force = true });
            squatter = null;
            var recovered = await Api.WaitForAsync(app.Id, app.Generation, AppStatus.Running);
            recovered.LastError.Should().BeNull();
            (await Api.GetThroughProxyAsync(app.GeneratedHostname)).Status.Should().Be(HttpStatusCode.OK);
        }
        finally
        {
            if (squatter is not null)
                await Platform.Docker.Containers.RemoveContainerAsync(squatter, new ContainerRemoveParameters { Force = true });
            await SandboxApps.DeleteAsync(Api, app.Id);
        }
    }

    /// <summary>One request through Caddy, "status body" or the client's error; the timeout outlasts Caddy's 5 s of retries, so a 502 is seen as one.</summary>
    private async Task<string> AnswerAsync(string hostname)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(15) };
        using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{Platform.HttpPort}/");
        request.Headers.Host = hostname;
        try
        {
            using var response = await client.SendAsync(request);
            return $"{(int)response.StatusCode} {(await response.Content.ReadAsStringAsync()).Trim()}";
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return $"{e.GetType().Name}: {e.Message}";
        }
    }

    private async Task<RouteInternalsResponse?> RouteAsync(Guid appId) =>
        (await Api.GetAsync<AppInternalsResponse>($"/api/apps/{appId}/internals")).Route;
}
