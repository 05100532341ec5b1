using System.Net;
using PersonalCloud.Contracts.Apps;
using PersonalCloud.Integration.Tests.Platform;
using PersonalCloud.Integration.Tests.Support;

namespace PersonalCloud.Integration.Tests.Platform.Drills;

/// <summary>What an app may do to the host: fill its disk, run as root, fork or allocate without bound.</summary>
[Category("Integration")]
[Category("Drill")]
// Alone: a gigabyte write, a fork bomb and an allocation storm on the host every test shares.
[NonParallelizable]
public sealed class AppSandboxDrills : PlatformTest
{
    private const long OneGiB = 1L << 30;

    [Test]
    public async Task App_WritingOneGiBToItsRootOrTmp_FailsAndLeavesTheHostsDiskAlone()
    {
        var app = await Api.CreateAppAsync(PlatformApi.UniqueName("diskfill"), Platform.HelloImage);
        try
        {
            var container = await SandboxApps.RunningContainerAsync(Platform, Api, app.Id);
            var before = new DriveInfo("/var/lib/docker").AvailableFreeSpace;

            var root = await SandboxApps.ShAsync(Platform, container.ID, "dd if=/dev/zero of=/fill bs=1M count=1024 2>&1; echo rc=$?");
            var tmp = await SandboxApps.ShAsync(Platform, container.ID, "dd if=/dev/zero of=/tmp/fill bs=1M count=1024 2>&1; echo rc=$?; rm -f /tmp/fill");
            var after = new DriveInfo("/var/lib/docker").AvailableFreeSpace;

            root.Should().Contain(SandboxApps.ReadOnlyLine).And.NotContain("rc=0");
            tmp.Should().Contain("No space left on device").And.NotContain("rc=0");
            // Others write to this disk at the same time: the drill asks only that the app's gigabyte did not land on it.
            (before - after).Should().BeLessThan(OneGiB / 2, "the app's writes never reach the host's disk");
            (await Api.GetThroughProxyAsync(app.GeneratedHostname)).Status.Should().Be(HttpStatusCode.OK, "the app serves on from its scratch space");
        }
        finally
        {
            await SandboxApps.DeleteAsync(Api, app.Id);
        }
    }

    [Test]
    public async Task Deploy_OfAnImageThatWritesOutsideTmpAtStart_FailsWithItsReadOnlyLogLine()
    {
        var image = await SandboxApps.BuildWritesToRootAsync(Platform);
        var app = await Api.CreateAppAsync(PlatformApi.UniqueName("writesroot"), image);
        try
        {
            var release = await SandboxApps.WaitForReleaseAsync(Api, app.Id, ReleaseStatus.Failed);

            release.FailureReason.Should().Contain(SandboxApps.ReadOnlyLine).And.Contain("/srv");
            (await Api.GetAppAsync(app.Id))!.LastError.Should().Contain(SandboxApps.ReadOnlyLine);
        }
        finally
        {
            await SandboxApps.DeleteAsync(Api, app.Id);
        }
    }

    [Test]
    public async Task App_FromAnImageWithoutUser_RunsAsNobodyWithNoCapabilities()
    {
        var app = await Api.CreateAppAsync(PlatformApi.UniqueName("nonroot"), Platform.HelloImage);
        try
        {
            var container = await SandboxApps.RunningContainerAsync(Platform, Api, app.Id);

            var uid = (await SandboxApps.ShAsync(Platform, container.ID, "id -u")).Trim();
            var capabilities = await SandboxApps.ShAsync(Platform, container.ID, "grep CapEff /proc/1/status; grep CapEff /proc/self/status");
            var write = await SandboxApps.ShAsync(Platform, container.ID, "touch /tmp/mine && echo tmp-ok; echo x > /etc/passwd; echo rc=$?");

            uid.Should().Be("65534");
            capabilities.Should().MatchRegex(@"CapEff:\s+0000000000000000\s+CapEff:\s+0000000000000000");
            write.Should().Contain("tmp-ok").And.NotContain("rc=0");
        }
        finally
        {
            await SandboxApps.DeleteAsync(Api, app.Id);
        }
    }

    [Test]
    public async Task App_CreatedWithRunAsRoot_RunsAsRoot()
    {
        var app = await SandboxApps.CreateAsync(Api, new { name = PlatformApi.UniqueName("asroot"), image = Platform.HelloImage, runAsRoot = true });
        try
        {
            var container = await SandboxApps.RunningContainerAsync(Platform, Api, app.Id);

            (await SandboxApps.ShAsync(Platform, container.ID, "id -u")).Trim().Should().Be("0");
            (await Api.GetAppAsync(app.Id))!.RunAsRoot.Should().BeTrue();
        }
        finally
        {
            await SandboxApps.DeleteAsync(Api, app.Id);
        }
    }

    [Test]
    public async Task ForkBomb_IsStoppedByThePidsLimit_WhileAnotherAppServes()
    {
        var bomb = await SandboxApps.CreateAsync(Api, new { name = PlatformApi.UniqueName("forkbomb"), image = Platform.HelloImage, limits = new { pids = 64 } });
        var neighbour = await Api.CreateAppAsync(PlatformApi.UniqueName("neighbour"), Platform.HelloImage);
        try
        {
            var container = await SandboxApps.RunningContainerAsync(Platform, Api, bomb.Id);
            await SandboxApps.RunningContainerAsync(Platform, Api, neighbour.Id);

            // 500 sleepers wanted; the pids limit refuses the rest. Each forked subshell exits once it has spawned its sleeper.
            var output = await SandboxApps.ShAsync(Platform, container.ID,
                "i=0; while [ $i -lt 500 ]; do sleep 60 >/dev/null 2>&1 & i=$((i+1)); done 2>&1 | tail -n 1; cat /sys/fs/cgroup/pids/pids.current /sys/fs/cgroup/pids/pids.max 2>/dev/null || cat /sys/fs/cgroup/pids.current /sys/fs/cgroup/pids.max");

            output.Should().Contain("can't fork");
            var numbers = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).TakeLast(2).ToArray();
            long.Parse(numbers[0], System.Globalization.CultureInfo.InvariantCulture).Should().BeLessThanOrEqualTo(64);
            numbers[1].Should().Be("64");
            (await Api.GetThroughProxyAsync(neighbour.GeneratedHostname)).Status.Should().Be(HttpStatusCode.OK);
        }
        finally
        {
            await SandboxApps.DeleteAsync(Api, bomb.Id);
            await SandboxApps.DeleteAsync(Api, neighbour.Id);
        }
    }
}
