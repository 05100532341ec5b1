using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using PersonalCloud.Contracts.Api;
using PersonalCloud.Contracts.Apps;
using PersonalCloud.Contracts.Labels;
using PersonalCloud.Integration.Tests.Platform;
using PersonalCloud.Integration.Tests.Support;

namespace PersonalCloud.Integration.Tests.Platform.Drills;

/// <summary>
/// Faults the platform already survives, kept as drills so they stay survived: a reconciler killed in the middle of a
/// rollout, Postgres down for 30 s, and a storm of deploys and new apps.
/// </summary>
[Category("Integration")]
[Category("Drill")]
// Alone: it kills the shared reconciler and stops the shared Postgres for 30 s.
[NonParallelizable]
public sealed class FaultDrills : PlatformTest
{
    private static readonly TimeSpan PostgresOutage = TimeSpan.FromSeconds(30);

    /// <summary>Healthy only once /tmp/www/ready.txt exists, a few seconds after start: a rollout stays in flight long enough to be interrupted.</summary>
    private const string SlowReadyDockerfile = """
        FROM scratch
        COPY busybox /bin/busybox
        RUN ["/bin/busybox", "--install", "-s", "/bin"]
        EXPOSE 8080
        CMD ["sh", "-c", "mkdir -p /tmp/www; echo \"greeting=$GREETING\" > /tmp/www/index.html; (sleep 4; echo ok > /tmp/www/ready.txt) & exec httpd -f -p 8080 -h /tmp/www"]
        """;

    [Test]
    public async Task ReconcilerKilledMidRollout_ResumesAfterARestart_AndLeavesNothingOrphaned()
    {
        var image = await SlowReadyImageAsync();
        var created = await Api.Http.PostAsJsonAsync("/api/apps", new CreateAppRequest(PlatformApi.UniqueName("sigkill"), Port: 8080,
            HealthCheck: new HealthCheckSettings(Path: "/ready.txt", IntervalSeconds: 1)));
        created.StatusCode.Should().Be(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var app = (await created.Content.ReadFromJsonAsync<AppResponse>())!;
        await Api.SetEnvAsync(app.Id, new Dictionary<string, string?> { ["GREETING"] = "before" });
        var first = await Api.DeployAsync(app.Id, image);
        await Api.WaitForAsync(app.Id, first.Generation, AppStatus.Running);

        await Api.SetEnvAsync(app.Id, new Dictionary<string, string?> { ["GREETING"] = "after" });
        var second = await Api.DeployAsync(app.Id, image);
        await Eventually.UntilAsync(async () => (await ContainersOfReleaseAsync(app.Id, second.Release!.Id)).Count > 0,
            PlatformApi.ConvergeTimeout, "the new release's container is started");
        var notYetSwitched = await Api.GetAppAsync(app.Id);
        await Platform.ReconcilerProcess.KillAsync();
        Platform.StartReconciler();

        notYetSwitched!.CurrentRelease!.Id.Should().Be(first.Release!.Id, "the kill lands before the traffic switch");
        var running = await Api.WaitForAsync(app.Id, second.Generation, AppStatus.Running);
        running.CurrentRelease!.Id.Should().Be(second.Release!.Id);
        (await Api.GetThroughProxyAsync(app.GeneratedHostname)).Body.Should().Contain("greeting=after");
        await Eventually.UntilAsync(async () => (await PlatformDocker.AllContainersAsync(Platform, app.Id)).Count == 1,
            PlatformApi.ConvergeTimeout, "the old container drains and no container of the interrupted pass is left behind");
        (await ContainersOfReleaseAsync(app.Id, second.Release!.Id)).Should().ContainSingle();
    }

    [Test]
    public async Task PostgresDownForThirtySeconds_AppsKeepServing_AndThePlatformCatchesUpAfter()
    {
        var app = await Api.CreateAppAsync(PlatformApi.UniqueName("pgdown"), Platform.HelloImage);
        await Eventually.UntilAsync(async () => (await Api.GetThroughProxyAsync(app.GeneratedHostname)).Status == HttpStatusCode.OK,
            PlatformApi.ConvergeTimeout, "the app serves");

        await ShellScript.RunAsync(RepoPaths.Script("stop-postgres.sh"), Platform.ProcessEnvironment, TimeSpan.FromMinutes(1));
        int served = 0, failed = 0;
        string? firstFailure = null;
        var apiAnswers = new List<(HttpStatusCode Status, string? RetryAfter, string Body)>();
        try
        {
            // The owner's API says what is wrong: 503 naming the database, for a read and for a change.
            foreach (var call in new Func<Task<HttpResponseMessage>>[]
                     {
                         () => Api.Http.GetAsync("/api/apps"),
                         () => Api.Http.PostAsJsonAsync("/api/apps", new CreateAppRequest(PlatformApi.UniqueName("pgdown"))),
                     })
            {
                using var response = await call();
                apiAnswers.Add((response.StatusCode, response.Headers.RetryAfter?.ToString(), await response.Content.ReadAsStringAsync()));
            }

            // The outage lasts a fixed time by design: every request during it is counted.
            var outage = Stopwatch.StartNew();
            while (outage.Elapsed < PostgresOutage)
            {
                var (status, _) = await Api.GetThroughProxyAsync(app.GeneratedHostname);
                if (status == HttpStatusCode.OK)
                    served++;
                else
                {
                    failed++;
                    firstFailure ??= $"HTTP {(int)status} after {outage.Elapsed.TotalSeconds:0.0} s";
                }
            }
        }
        finally
        {
            var restart = new Dictionary<string, string>(Platform.ProcessEnvironment) { ["PCLOUD_DATABASE_URL"] = "" };
            await ShellScript.RunAsync(RepoPaths.Script("start-postgres.sh"), restart, TimeSpan.FromMinutes(1));
            // This test process's pooled connections died with the old server: the next test must not inherit them.
            Npgsql.NpgsqlConnection.ClearAllPools();
        }

        TestContext.Progress.WriteLine($"postgres outage of {PostgresOutage.TotalSeconds:0} s: {served} requests served, {failed} failed");
        foreach (var (status, retryAfter, body) in apiAnswers)
        {
            status.Should().Be(HttpStatusCode.ServiceUnavailable, body);
            retryAfter.Should().NotBeNull();
            using var problem = System.Text.Json.JsonDocument.Parse(body);
            problem.RootElement.GetProperty("type").GetString().Should().EndWith("/database-unavailable");
            problem.RootElement.GetProperty("title").GetString().Should().Contain("database (Postgres)");
        }

        served.Should().BeGreaterThan(0);
        failed.Should().Be(0, $"apps are served from the routing the proxy already has (first failure: {firstFailure})");

        await Eventually.UntilAsync(async () => (await Api.Http.GetAsync("/api/apps")).IsSuccessStatusCode,
            PlatformApi.ConvergeTimeout, "the API answers again once Postgres is back");
        var change = await Api.SetEnvAsync(app.Id, new Dictionary<string, string?> { ["GREETING"] = "recovered" });
        await Api.WaitForAsync(app.Id, change.Generation, AppStatus.Running);
        (await Api.GetThroughProxyAsync(app.GeneratedHostname)).Body.Should().Contain("greeting=recovered");
    }

    [Test]
    public async Task DeployStorm_AndTenNewAppsAtOnce_EndWithTheLatestReleaseServingAndNothingOrphaned()
    {
        var fresh = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => Api.CreateAppAsync(PlatformApi.UniqueName($"crowd{i}"), Platform.HelloImage)));
        var stormed = await Api.CreateAppAsync(PlatformApi.UniqueName("storm"), Platform.HelloImage);
        var deploys = await Task.WhenAll(Enumerable.Range(0, 30).Select(_ => Api.DeployAsync(stormed.Id, Platform.HelloImage)));

        var latest = deploys.MaxBy(d => d.Generation)!;
        var running = await Api.WaitForAsync(stormed.Id, latest.Generation, AppStatus.Running);
        running.CurrentRelease!.Id.Should().Be(latest.Release!.Id, "the newest of the concurrent deploys wins");
        var releases = await Api.GetAsync<IReadOnlyList<ReleaseResponse>>($"/api/apps/{stormed.Id}/releases");
        releases.Where(r => r.Id != latest.Release.Id).Should().OnlyContain(r => r.Status != ReleaseStatus.Pending,
            "every older release ended: cancelled, superseded or replaced");
        await Eventually.UntilAsync(async () => (await PlatformDocker.AllContainersAsync(Platform, stormed.Id)).Count == 1,
            PlatformApi.ConvergeTimeout, "one container is left of thirty deploys");

        foreach (var app in fresh)
        {
            await Eventually.UntilAsync(async () => (await Api.GetThroughProxyAsync(app.GeneratedHostname)).Status == HttpStatusCode.OK,
                PlatformApi.ConvergeTimeout, $"new app {app.Name} serves");
            (await PlatformDocker.AllContainersAsync(Platform, app.Id)).Should().ContainSingle();
        }
    }

    private async Task<IList<Docker.DotNet.Models.ContainerListResponse>> ContainersOfReleaseAsync(Guid appId, Guid releaseId) =>
        (await PlatformDocker.AllContainersAsync(Platform, appId))
            .Where(c => c.Labels.TryGetValue(ContainerLabels.ReleaseId, out var id) && id == releaseId.ToString())
            .ToList();

    private async Task<string> SlowReadyImageAsync()
    {
        var files = TestImages.BusyboxFiles();
        return await TestImages.BuildAsync(Platform.Docker, TestImages.ContentTag("pcloud-test/slow-ready", SlowReadyDockerfile, files),
            SlowReadyDockerfile, files, CancellationToken.None);
    }
}
