using System.Diagnostics;
using PersonalCloud.Integration.Tests.Support;

namespace PersonalCloud.Integration.Tests.Platform;

/// <summary>The log collector across a stopped or killed reconciler, and under a flood: no line lost, repeated or unmarked.</summary>
[Category("Integration")]
// Alone: it stops and kills the shared reconciler, and the flood loads the collector every test's logs go through.
[NonParallelizable]
public sealed class LogCollectionRestartTests : LogCollectionTest
{
    [Test]
    public async Task ReconcilerStoppedMidStream_ResumesWithoutGapsOrDuplicates()
    {
        var image = await LogApps.BuildAsync(Platform, "slow", LogApps.SlowScript);
        var app = await Api.CreateAppAsync(PlatformApi.UniqueName("logslow"), image);
        var container = await LogApps.RunningContainerAsync(Platform, app.Id);
        await WaitForCountAsync(container, "seq-", 40);

        await Platform.StopReconcilerAsync();
        var storedBefore = LogApps.Numbers(await LogApps.MessagesAsync(Platform, container), "seq-").Max();
        await WaitForEngineLineAsync(container, $"seq-{storedBefore + 60}");
        Platform.StartReconciler();

        await Eventually.UntilAsync(async () => LogApps.Numbers(await LogApps.MessagesAsync(Platform, container), "seq-").Max() > storedBefore + 100,
            StoreTimeout, "lines printed while the reconciler was down and after it came back are stored");
        AssertContiguousFromZero(LogApps.Numbers(await LogApps.MessagesAsync(Platform, container), "seq-"));
    }

    [Test]
    public async Task ReconcilerKilledDuringABurst_StoresEveryLineExactlyOnce()
    {
        var image = await LogApps.BuildAsync(Platform, "slow", LogApps.SlowScript);
        var app = await Api.CreateAppAsync(PlatformApi.UniqueName("logkill"), image);
        var container = await LogApps.RunningContainerAsync(Platform, app.Id);
        await WaitForCountAsync(container, "seq-", 20);

        // SIGKILL: no graceful shutdown, a batch may be cut mid-COPY.
        using (var process = Process.GetProcessById(Platform.ReconcilerProcess.Id))
            process.Kill();
        await Platform.StopReconcilerAsync();
        var storedBefore = LogApps.Numbers(await LogApps.MessagesAsync(Platform, container), "seq-").Max();
        await WaitForEngineLineAsync(container, $"seq-{storedBefore + 40}");
        Platform.StartReconciler();

        await Eventually.UntilAsync(async () => LogApps.Numbers(await LogApps.MessagesAsync(Platform, container), "seq-").Max() > storedBefore + 80,
            StoreTimeout, "the follower resumes after the crash");
        AssertContiguousFromZero(LogApps.Numbers(await LogApps.MessagesAsync(Platform, container), "seq-"));
    }

    [Test]
    public async Task Flood_OnlyLinesTheEngineRotatedAwayAreMissing_EachGapMarked_WhileAQuietAppKeepsBeingStored()
    {
        var floodImage = await LogApps.BuildAsync(Platform, "flood", LogApps.FloodScript);
        var quietImage = await LogApps.BuildAsync(Platform, "slow", LogApps.SlowScript);
        var flood = await Api.CreateAppAsync(PlatformApi.UniqueName("logflood"), floodImage);
        var quiet = await Api.CreateAppAsync(PlatformApi.UniqueName("logquiet"), quietImage);
        // Retention would cut the flood's oldest lines while they are checked for gaps.
        await KeepLinesAsync(flood.Id, 10_000_000);
        var floodContainer = await LogApps.RunningContainerAsync(Platform, flood.Id);
        var quietContainer = await LogApps.RunningContainerAsync(Platform, quiet.Id);
        try
        {
            await Eventually.UntilAsync(
                async () => await LogApps.CountAsync(Platform, "SELECT coalesce(max(lines_stored), 0) FROM log_cursors WHERE container_id = $1", floodContainer) > 50_000,
                StoreTimeout, "the flood's lines are being stored");
            var quietBefore = LogApps.Numbers(await LogApps.MessagesAsync(Platform, quietContainer), "seq-").DefaultIfEmpty(0).Max();
            await Eventually.UntilAsync(
                async () => LogApps.Numbers(await LogApps.MessagesAsync(Platform, quietContainer), "seq-").Max() >= quietBefore + 40,
                TimeSpan.FromSeconds(20), "the quiet app's lines are still stored during the flood");

            (await LogApps.CountAsync(Platform, "SELECT lines_dropped FROM log_cursors WHERE container_id = $1", floodContainer)).Should().Be(0);
            var stored = await AllMessagesAsync(floodContainer);
            stored.Count(m => m.Stream == "platform" && !m.Message.StartsWith("[platform] lines lost to the engine's log rotation", StringComparison.Ordinal))
                .Should().Be(0, "the only platform lines are rotation gaps: nothing is dropped");
            var previous = -1;
            var gapMarked = false;
            foreach (var (stream, message) in stored)
            {
                if (stream == "platform")
                {
                    gapMarked = true;
                    continue;
                }

                var number = LogApps.Numbers([message], "flood-").Single();
                number.Should().BeGreaterThan(previous, "no line is stored twice or out of order");
                if (number != previous + 1)
                    gapMarked.Should().BeTrue($"lines {previous + 1}..{number - 1} are missing without a platform line saying so");
                previous = number;
                gapMarked = false;
            }

            AssertContiguousFromZero(LogApps.Numbers(await LogApps.MessagesAsync(Platform, quietContainer), "seq-"));
        }
        finally
        {
            await Api.Http.DeleteAsync($"/api/apps/{flood.Id}");
            await Api.Http.DeleteAsync($"/api/apps/{quiet.Id}");
        }
    }
}
