using PersonalCloud.Integration.Tests.Support;

// Under Platform: the platform fixture (a namespace-scoped SetUpFixture) starts for these too.
namespace PersonalCloud.Integration.Tests.Platform.Drills;

/// <summary>Issue 9, item 11: the log collector never drops a line the engine still holds.</summary>
[Category("Integration")]
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
}
