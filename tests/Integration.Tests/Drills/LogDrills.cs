using PersonalCloud.Integration.Tests.Support;

// Under Platform: the platform fixture (a namespace-scoped SetUpFixture) starts for these too.
namespace PersonalCloud.Integration.Tests.Platform.Drills;

/// <summary>Issue 9, item 11: the log collector never drops a line the engine still holds.</summary>
[Category("Integration")]
// Alone: it stops the shared reconciler while the engine rotates a burst away.
[NonParallelizable]
public sealed class LogDrills : PlatformTest
{
    private const int Lines = 100_000;

    // 100,000 lines through busybox, the engine and Postgres on a shared 2-core box.
    private static readonly TimeSpan StoreTimeout = TimeSpan.FromSeconds(240);

    [Test]
    public async Task HundredThousandLineBurst_EveryLineIsStoredExactlyOnceInOrder_NothingDropped()
    {
        // One awk process writes as fast as the pipe takes it: far faster than a shell loop.
        var image = await LogApps.BuildAsync(Platform, "burst100k", $"awk 'BEGIN {{ for (i = 0; i < {Lines}; i++) print \"big-\" i }}'; sleep 3600");
        var app = await Api.CreateAppAsync(PlatformApi.UniqueName("drilllog"), image);
        try
        {
            await LogApps.ExecuteAsync(Platform, "UPDATE apps SET log_retention_lines = $2 WHERE id = $1", app.Id, 2 * Lines);
            var container = await LogApps.RunningContainerAsync(Platform, app.Id);

            long handled = 0;
            await Eventually.UntilAsync(
                async () => (handled = await LogApps.CountAsync(Platform,
                    "SELECT coalesce(max(lines_stored + lines_dropped), 0) FROM log_cursors WHERE container_id = $1", container)) >= Lines,
                StoreTimeout, () => $"all {Lines} lines are handled by the collector (so far {handled})");

            var markers = await LogApps.MessagesAsync(Platform, container, "platform");
            markers.Should().BeEmpty("the engine still holds every line, so none may be dropped");
            (await LogApps.CountAsync(Platform, "SELECT lines_dropped FROM log_cursors WHERE container_id = $1", container)).Should().Be(0);
            var numbers = LogApps.Numbers(await LogApps.MessagesAsync(Platform, container), "big-");
            numbers.Should().HaveCount(Lines);
            numbers.Should().Equal(Enumerable.Range(0, Lines), "every line is stored exactly once, in order");
        }
        finally
        {
            await Api.Http.DeleteAsync($"/api/apps/{app.Id}");
        }
    }

    [Test]
    public async Task LinesTheEnginesRotationRemovedWhileTheCollectorWasDown_AreOneMarkedGap_AndTheRestIsStoredExactlyOnce()
    {
        // About 170 bytes per line in the engine's json-file: 400,000 lines are ~65 MB, twice what 10m x 3 keeps.
        const int Burst = 400_000;
        var pad = new string('x', 100);
        var image = await LogApps.BuildAsync(Platform, "rotation",
            $"echo burst-ready; while [ ! -f /tmp/go ]; do sleep 0.2; done; awk 'BEGIN {{ for (i = 0; i < {Burst}; i++) print \"rot-\" i \"-{pad}\" }}'; echo burst-done; sleep 3600");
        var app = await Api.CreateAppAsync(PlatformApi.UniqueName("drillrotate"), image);
        try
        {
            await LogApps.ExecuteAsync(Platform, "UPDATE apps SET log_retention_lines = $2 WHERE id = $1", app.Id, 2 * Burst);
            var container = await LogApps.RunningContainerAsync(Platform, app.Id);
            await Eventually.UntilAsync(async () => (await LogApps.MessagesAsync(Platform, container)).Contains("burst-ready"),
                StoreTimeout, "the first line is stored (the container has a cursor)");

            await Platform.StopReconcilerAsync();
            try
            {
                await StartBurstAsync(container);
                await Eventually.UntilAsync(async () => (await EngineTailAsync(container)).Contains("burst-done", StringComparison.Ordinal),
                    StoreTimeout, "the app printed its whole burst while the collector was down");
            }
            finally
            {
                Platform.StartReconciler();
            }

            await Eventually.UntilAsync(async () => (await LogApps.MessagesAsync(Platform, container)).Contains("burst-done"),
                StoreTimeout, "what the engine still holds is stored once the collector is back");
            var markers = await LogApps.MessagesAsync(Platform, container, "platform");
            markers.Should().ContainSingle("one gap, recorded once").Which.Should().StartWith("[platform] lines lost to the engine's log rotation");
            var numbers = LogApps.Numbers(await LogApps.MessagesAsync(Platform, container), "rot-");
            numbers.Should().NotBeEmpty();
            numbers[0].Should().BeGreaterThan(0, "the burst's first lines were rotated away");
            TestContext.Out.WriteLine($"rotation removed lines 0..{numbers[0] - 1}; marker: {markers[0]}");
            numbers.Should().Equal(Enumerable.Range(numbers[0], Burst - numbers[0]), "everything the engine held is stored exactly once, in order");
        }
        finally
        {
            await Api.Http.DeleteAsync($"/api/apps/{app.Id}");
        }
    }

    private async Task StartBurstAsync(string container)
    {
        var exec = await Platform.Docker.Exec.CreateContainerExecAsync(container,
            new Docker.DotNet.Models.ContainerExecCreateParameters { Cmd = ["touch", "/tmp/go"] }, CancellationToken.None);
        using var stream = await Platform.Docker.Exec.StartContainerExecAsync(exec.ID, new Docker.DotNet.Models.ContainerExecStartParameters(), CancellationToken.None);
        await stream.ReadOutputToEndAsync(CancellationToken.None);
    }

    private async Task<string> EngineTailAsync(string container)
    {
        using var stream = await Platform.Docker.Containers.GetContainerLogsAsync(container,
            new Docker.DotNet.Models.ContainerLogsParameters { ShowStdout = true, Tail = "3" }, CancellationToken.None);
        return (await stream.ReadOutputToEndAsync(CancellationToken.None)).stdout;
    }
}
