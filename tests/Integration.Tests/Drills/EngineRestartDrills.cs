using System.Diagnostics;
using System.Net;
using PersonalCloud.Contracts.Apps;
using PersonalCloud.Integration.Tests.Platform;
using PersonalCloud.Integration.Tests.Support;

namespace PersonalCloud.Integration.Tests.Platform.Drills;

/// <summary>
/// The Docker engine is stopped and started again under load, as an upgrade or a crash would: with live-restore the
/// apps' containers keep running and serving, and the reconciler reconnects by itself (events, deploys, logs).
/// </summary>
[Category("Integration")]
[Category("Drill")]
// Alone: it restarts the Docker engine every test uses.
[NonParallelizable]
public sealed class EngineRestartDrills : PlatformTest
{
    private const string DockerPidFile = "/var/run/docker.pid";

    [Test]
    public async Task DockerEngineRestarted_AppsKeepServing_AndThePlatformReconnectsByItself()
    {
        var image = await KeepAliveImage.BuildAsync();
        var app = await Api.CreateAppAsync(PlatformApi.UniqueName("engine"), image);
        await Eventually.UntilAsync(async () => (await Api.GetThroughProxyAsync(app.GeneratedHostname)).Status == HttpStatusCode.OK,
            PlatformApi.ConvergeTimeout, "the app serves");
        var before = (await PlatformDocker.RunningContainersAsync(Platform, app.Id)).Single().ID;

        using var load = new ProxyLoad(Platform.HttpPort, app.GeneratedHostname, clients: 4);
        var down = await StopEngineAsync();
        // Longer than the script's own give-up (180 s), so its reason is what a failure shows.
        await ShellScript.RunAsync(RepoPaths.Script("start-docker.sh"), Platform.ProcessEnvironment, TimeSpan.FromMinutes(4));
        var result = await load.StopAsync();

        TestContext.Progress.WriteLine($"engine restart: down {down.TotalSeconds:0.0} s; {result.Succeeded} requests ok, {result.Failed} failed");
        result.Succeeded.Should().BeGreaterThan(0);
        result.Failed.Should().Be(0, $"live-restore keeps the containers serving while the engine is away (first failure: {result.FirstFailure})");
        (await PlatformDocker.RunningContainersAsync(Platform, app.Id)).Single().ID.Should().Be(before, "the same container survived");

        // Reconnected: a deploy converges, and a crash is noticed and repaired, without restarting the platform.
        var change = await Api.SetEnvAsync(app.Id, new Dictionary<string, string?> { ["AFTER_ENGINE_RESTART"] = "yes" });
        await Api.WaitForAsync(app.Id, change.Generation, AppStatus.Running);
        var replaced = (await PlatformDocker.RunningContainersAsync(Platform, app.Id)).Single().ID;
        replaced.Should().NotBe(before);
        await Platform.Docker.Containers.KillContainerAsync(replaced, new Docker.DotNet.Models.ContainerKillParameters { Signal = "SIGKILL" });
        await Eventually.UntilAsync(async () => (await Api.GetAppAsync(app.Id))!.Status == AppStatus.CrashLooping,
            PlatformApi.ConvergeTimeout, "the reconciler sees the crash through the engine's reconnected event stream");
    }

    /// <summary>SIGTERM to dockerd, as a service manager's restart sends it; returns how long the engine took to go.</summary>
    private static async Task<TimeSpan> StopEngineAsync()
    {
        var pid = int.Parse((await File.ReadAllTextAsync(DockerPidFile)).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        using var engine = Process.GetProcessById(pid);
        var stopwatch = Stopwatch.StartNew();
        using (var kill = Process.Start("kill", ["-TERM", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            await kill.WaitForExitAsync();
        await Eventually.UntilAsync(() => Task.FromResult(engine.HasExited || IsZombie(pid)), TimeSpan.FromMinutes(1), "dockerd exits");
        return stopwatch.Elapsed;
    }

    private static bool IsZombie(int pid)
    {
        var stat = $"/proc/{pid}/stat";
        return !File.Exists(stat) || File.ReadAllText(stat).Split(") ")[^1].StartsWith('Z');
    }
}
