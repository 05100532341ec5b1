using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Docker.DotNet;
using Npgsql;
using PersonalCloud.Contracts.Api;
using PersonalCloud.Contracts.Hosting;
using PersonalCloud.Integration.Tests.Platform.Drills;
using PersonalCloud.Integration.Tests.Support;

namespace PersonalCloud.Integration.Tests.Drills;

/// <summary>
/// The supervisor under test (scripts/supervise.sh on a platform of its own): a killed Reconciler, ControlPlane,
/// route-dns or Caddy is restarted within seconds, /healthz names it while it is down, and apps keep serving or
/// serve again by themselves.
/// </summary>
[Category("Integration")]
[Category("Drill")]
[NonParallelizable]
public sealed class SupervisorDrills
{
    private static readonly TimeSpan RestartTimeout = TimeSpan.FromSeconds(60);
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private DockerClient _docker = null!;
    private SupervisedPlatform _platform = null!;
    private string _hostname = "";

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _docker = Reconciler.Containers.DockerContainerRuntime.CreateClient(Reconciler.Containers.DockerContainerRuntime.DefaultEndpoint);
        var image = await TestImages.BuildHelloAsync(_docker, CancellationToken.None);
        _platform = await SupervisedPlatform.StartAsync(_docker);
        var created = await _platform.Api.PostAsJsonAsync("/api/apps", new CreateAppRequest($"sup-{Guid.NewGuid():N}"[..12], image));
        created.StatusCode.Should().Be(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        _hostname = (await created.Content.ReadFromJsonAsync<AppResponse>(Json))!.GeneratedHostname;
        await ServesAsync("the app serves through the supervised platform's Caddy");
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        if (_platform is not null)
            await _platform.DisposeAsync();
        if (_docker is not null)
        {
            await TestCleanup.RemoveInstanceAsync(_docker, _platform?.Instance ?? "supervised");
            _docker.Dispose();
        }
    }

    [Test]
    public async Task ReconcilerKilled_IsRestartedWithinSeconds_AndHealthzNamesItWhileDown()
    {
        await KillAndWatchAsync("reconciler", "reconciler");
        await ServesAsync("the app serves after the Reconciler came back");
    }

    [Test]
    public async Task RouteDnsKilled_IsRestarted_AndAppsServeAgainByThemselves()
    {
        await KillAndWatchAsync("route-dns", "route-dns");
        await ServesAsync("Caddy routes again once route-dns is back");
    }

    [Test]
    public async Task ControlPlaneKilled_AppsKeepServing_AndItIsRestarted()
    {
        var old = _platform.Pid("controlplane") ?? throw new InvalidOperationException("no ControlPlane pid");
        SupervisedPlatform.Kill(old);

        var failures = await RouteProbe.FailuresOverAsync(() => _platform.GetThroughProxyAsync(_hostname), RouteProbe.SeveralRefreshes);
        failures.Should().BeEmpty("apps keep serving while the ControlPlane is down or restarting");
        await Eventually.UntilAsync(async () => _platform.Pid("controlplane") is { } pid && pid != old
                && (await _platform.HealthAsync()).Status == HttpStatusCode.OK,
            RestartTimeout, () => $"the supervisor restarts the ControlPlane and every component is up (supervisor: {_platform.SupervisorLog()})");
    }

    [Test]
    public async Task CaddyKilled_IsRestartedWithItsLastConfig_AndAppsServeAgainByThemselves()
    {
        var resumedBefore = CaddyResumes();
        await KillAndWatchAsync("caddy", "caddy");
        await ServesAsync("the restarted Caddy routes the app");
        CaddyResumes().Should().BeGreaterThan(resumedBefore, "Caddy came back with its autosaved config, not the empty bootstrap");
    }

    [Test]
    public async Task LogFiles_AboveTheSizeLimit_AreRotated_AndTheirWritersCarryOnAtTheNewStart()
    {
        var log = Path.Combine(_platform.DataDir, "logs", "controlplane.log");
        var caddyLog = Path.Combine(_platform.DataDir, "logs", "caddy.log");
        // Caddy's own output is sparse: fill its redirect past the limit, as a busy Caddy would.
        await File.AppendAllTextAsync(caddyLog, string.Concat(Enumerable.Repeat("{\"msg\":\"filler\"}\n", SupervisedPlatform.LogMaxBytes / 10)));

        // A request that fails is one line of the ControlPlane's log, its path included: a long unknown path grows it fast.
        await Eventually.UntilAsync(async () =>
        {
            await WriteControlPlaneLineAsync();
            return File.Exists(log + ".1") && File.Exists(caddyLog + ".1") && new FileInfo(caddyLog).Length < SupervisedPlatform.LogMaxBytes;
        }, RestartTimeout, "controlplane.log and caddy.log are rotated once above the limit");

        var rotatedAt = new FileInfo(log).Length;
        await Eventually.UntilAsync(async () =>
        {
            await WriteControlPlaneLineAsync();
            return new FileInfo(log).Length > rotatedAt;
        }, RestartTimeout, "the ControlPlane goes on writing into the truncated file");
        var bytes = ReadShared(log);
        bytes.Should().NotContain(0, "an appending writer continues at the new end, leaving no hole of NULs");
        File.Exists(log + $".{SupervisedPlatform.LogKeep + 1}").Should().BeFalse("only PCLOUD_LOG_KEEP rotated copies are kept");
    }

    [Test]
    public async Task PostgresLog_AboveTheSizeLimit_IsRotated_AndPostgresWritesOnAtTheNewStart()
    {
        var dir = Path.Combine(_platform.DataDir, "logs", "postgres");
        var log = Path.Combine(dir, "postgres.log");
        var marker = "flood-" + Guid.NewGuid().ToString("N");
        await using var db = NpgsqlDataSource.Create(DatabaseConnectionString.Normalize(_platform.DatabaseUrl));
        await using (var connection = await db.OpenConnectionAsync())
        {
            // Any role may RAISE LOG: 400 × 8 KiB is 3.2 MB of server log, fifty times the limit, in about a second.
            for (var i = 0; i < 400; i++)
                await connection.ExecuteAsync($"DO $$ BEGIN RAISE LOG '%', '{marker}-{i} ' || repeat('x', 8192); END $$");
        }

        var seen = "";
        await Eventually.UntilAsync(() =>
        {
            seen = string.Join(", ", new DirectoryInfo(dir).GetFiles().Select(f => $"{f.Name} {f.Length}"));
            return Task.FromResult(File.Exists(log + ".1") && new FileInfo(log).Length < SupervisedPlatform.LogMaxBytes);
        }, RestartTimeout, () => $"the collector's postgres.log is rotated back under the limit (now: {seen})");

        // The collector keeps its file open for appending: what it writes next lands at the new start, no hole before it.
        var after = "after-rotation-" + Guid.NewGuid().ToString("N");
        await using (var connection = await db.OpenConnectionAsync())
            await connection.ExecuteAsync($"DO $$ BEGIN RAISE LOG '{after}'; END $$");
        await Eventually.UntilAsync(() => Task.FromResult(System.Text.Encoding.UTF8.GetString(ReadShared(log)).Contains(after, StringComparison.Ordinal)),
            RestartTimeout, "Postgres goes on writing into the truncated file");
        ReadShared(log).Should().NotContain(0, "an appending writer continues at the new end, leaving no hole of NULs");
        new DirectoryInfo(dir).GetFiles().Should().HaveCountLessThanOrEqualTo(SupervisedPlatform.LogKeep + 1, "only PCLOUD_LOG_KEEP rotated copies are kept");
        TestContext.Out.WriteLine($"Postgres log files after the flood: {seen}");
    }

    /// <summary>A 404 for a 4,000-character path: one request, one line of about 4 KB in controlplane.log.</summary>
    private async Task WriteControlPlaneLineAsync()
    {
        using var response = await _platform.Api.GetAsync("/healthz/" + new string('x', 4000));
        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    /// <summary>How often Caddy's log (and its rotated copies) says it started from its last saved config.</summary>
    private int CaddyResumes() =>
        Directory.EnumerateFiles(Path.Combine(_platform.DataDir, "logs"), "caddy.log*")
            .Sum(path => System.Text.Encoding.UTF8.GetString(ReadShared(path)).Split("resuming from last configuration").Length - 1);

    private static byte[] ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        return memory.ToArray();
    }

    /// <summary>SIGKILLs the process, sees /healthz name the component down, then a new process with every component up.</summary>
    private async Task KillAndWatchAsync(string process, string component)
    {
        await Eventually.UntilAsync(async () => (await _platform.HealthAsync()).Status == HttpStatusCode.OK, RestartTimeout, "every component is up first");
        var old = _platform.Pid(process) ?? throw new InvalidOperationException($"no {process} pid");
        SupervisedPlatform.Kill(old);

        var seen = "";
        await Eventually.UntilAsync(async () =>
        {
            var (status, down, body) = await _platform.HealthAsync();
            seen = body;
            return status == HttpStatusCode.ServiceUnavailable && down.Contains(component);
        }, RestartTimeout, () => $"/healthz answers 503 naming {component} (last: {seen})");
        TestContext.Progress.WriteLine($"{component} down: {seen}");

        await Eventually.UntilAsync(async () => _platform.Pid(process) is { } pid && pid != old && SupervisedPlatform.Alive(pid)
                && (await _platform.HealthAsync()).Status == HttpStatusCode.OK,
            RestartTimeout, () => $"the supervisor restarts {process} and every component is up again (supervisor: {_platform.SupervisorLog()})");
    }

    private Task ServesAsync(string because) =>
        Eventually.UntilAsync(async () => (await _platform.GetThroughProxyAsync(_hostname)).Status == HttpStatusCode.OK, TimeSpan.FromSeconds(90), because);
}
