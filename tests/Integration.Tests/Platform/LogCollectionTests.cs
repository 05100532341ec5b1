using PersonalCloud.Contracts.Api;
using PersonalCloud.Integration.Tests.Support;

namespace PersonalCloud.Integration.Tests.Platform;

/// <summary>The log collector against the real engine and Postgres: exactly-once storage of a burst, masking, retention.</summary>
[Category("Integration")]
public sealed class LogCollectionTests : LogCollectionTest
{
    [Test]
    public async Task Burst_EveryLineIsStoredExactlyOnceInOrder()
    {
        var image = await LogApps.BuildAsync(Platform, "burst", LogApps.BurstScript);
        var app = await Api.CreateAppAsync(PlatformApi.UniqueName("logburst"), image);
        await KeepLinesAsync(app.Id, 100_000);
        var container = await LogApps.RunningContainerAsync(Platform, app.Id);

        await WaitForCountAsync(container, "line-", LogApps.BurstLines);

        var numbers = LogApps.Numbers(await LogApps.MessagesAsync(Platform, container), "line-");
        numbers.Should().Equal(Enumerable.Range(0, LogApps.BurstLines));
        (await LogApps.CountAsync(Platform, "SELECT count(*) FROM log_lines WHERE container_id = $1 AND stream = 'platform'", container))
            .Should().Be(0, "nothing was dropped");
        (await LogApps.CountAsync(Platform, "SELECT lines_stored FROM log_cursors WHERE container_id = $1", container))
            .Should().BeGreaterThanOrEqualTo(LogApps.BurstLines);
    }

    [Test]
    public async Task SecretInAppOutput_IsMaskedByDefault_AndStoredAsPrintedAfterTheOptOut()
    {
        var image = await LogApps.BuildAsync(Platform, "secret", LogApps.SecretScript);
        var app = await Api.CreateAppAsync(PlatformApi.UniqueName("logsecret"));
        var secret = "tok-" + Guid.NewGuid().ToString("N");
        await Api.SetEnvAsync(app.Id, new Dictionary<string, string?> { ["SECRET_TOKEN"] = secret });
        await Api.DeployAsync(app.Id, image);
        var container = await LogApps.RunningContainerAsync(Platform, app.Id);

        await Eventually.UntilAsync(async () => (await LogApps.MessagesAsync(Platform, container)).Contains("token=[REDACTED:SECRET_TOKEN] here"),
            StoreTimeout, "the masked line is stored");
        (await CountContainingAsync(secret)).Should().Be(0, "the raw value is nowhere in log_lines");

        await LogApps.ExecuteAsync(Platform, "UPDATE apps SET mask_secrets_in_logs = false WHERE id = $1", app.Id);

        await Eventually.UntilAsync(async () => (await LogApps.MessagesAsync(Platform, container)).Contains($"token={secret} here"),
            StoreTimeout, "after the opt-out the line is stored as printed");
        await LogApps.ExecuteAsync(Platform, "UPDATE apps SET mask_secrets_in_logs = true WHERE id = $1", app.Id);
        foreach (var log in new[] { "reconciler.log", "controlplane.log" })
        {
            using var stream = new FileStream(Path.Combine(Platform.DataDir, "logs", log), FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            (await new StreamReader(stream).ReadToEndAsync()).Should().NotContain(secret, $"the platform never logs a secret value ({log})");
        }
    }

    [Test]
    public async Task PerAppRetention_RemovesLinesOverTheCountAndOverTheAge()
    {
        var image = await LogApps.BuildAsync(Platform, "burst", LogApps.BurstScript);
        var app = await Api.CreateAppAsync(PlatformApi.UniqueName("logretain"), image);
        await KeepLinesAsync(app.Id, 100_000);
        var container = await LogApps.RunningContainerAsync(Platform, app.Id);
        await WaitForCountAsync(container, "line-", LogApps.BurstLines);

        await KeepLinesAsync(app.Id, 500);

        await Eventually.UntilAsync(async () => await AppLineCountAsync(app.Id) == 500, RetentionTimeout, "the app is cut to its newest 500 lines");
        LogApps.Numbers(await LogApps.MessagesAsync(Platform, container), "line-").Should().Equal(Enumerable.Range(LogApps.BurstLines - 500, 500));

        // Nothing here is hours old: make the oldest 100 so, then ask for 2 hours.
        await LogApps.ExecuteAsync(Platform,
            "UPDATE log_lines SET timestamp = timestamp - interval '3 hours' WHERE id IN (SELECT id FROM log_lines WHERE app_id = $1 ORDER BY id LIMIT 100)",
            app.Id);
        await LogApps.ExecuteAsync(Platform, "UPDATE apps SET log_retention_hours = 2 WHERE id = $1", app.Id);

        await Eventually.UntilAsync(async () => await AppLineCountAsync(app.Id) == 400, RetentionTimeout, "lines older than 2 hours go");
        LogApps.Numbers(await LogApps.MessagesAsync(Platform, container), "line-").Should().Equal(Enumerable.Range(LogApps.BurstLines - 400, 400));

        // The search index keeps no chunk of lines that are gone, and still finds the kept ones.
        await Eventually.UntilAsync(
            async () => await LogApps.CountAsync(Platform,
                "SELECT count(*) FROM log_search_chunks WHERE app_id = $1 AND last_id < (SELECT min(id) FROM log_lines WHERE app_id = $1)", app.Id) == 0,
            RetentionTimeout, "chunks of removed lines go too");
        (await Api.GetAsync<IReadOnlyList<LogLineResponse>>($"/api/apps/{app.Id}/logs?q=line-19999")).Should().ContainSingle();
        (await Api.GetAsync<IReadOnlyList<LogLineResponse>>($"/api/apps/{app.Id}/logs?q=line-100")).Should().BeEmpty("line-100, line-100x and line-100xx are all gone");
    }
}
