using System.Diagnostics;
using PersonalCloud.Contracts.Api;
using PersonalCloud.Integration.Tests.Support;

namespace PersonalCloud.Integration.Tests.Platform;

/// <summary>The log collector against the real engine and Postgres: exactly-once storage across restarts, masking, retention, floods.</summary>
[Category("Integration")]
public sealed class LogCollectionTests : PlatformTest
{
    private static readonly TimeSpan StoreTimeout = TimeSpan.FromSeconds(60);

    // Retention runs every 30 s; one pass plus the app's start.
    private static readonly TimeSpan RetentionTimeout = TimeSpan.FromSeconds(100);


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

    private async Task<List<(string Stream, string Message)>> AllMessagesAsync(string containerId)
    {
        await using var connection = new Npgsql.NpgsqlConnection(Platform.DatabaseUrl);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand("SELECT stream, message FROM log_lines WHERE container_id = $1 ORDER BY id", connection);
        command.Parameters.AddWithValue(containerId);
        var all = new List<(string, string)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            all.Add((reader.GetString(0), reader.GetString(1)));
        return all;
    }

    /// <summary>The platform default (10,000) would cut a 20,000-line burst while the test reads it.</summary>
    private Task KeepLinesAsync(Guid appId, int lines) =>
        LogApps.ExecuteAsync(Platform, "UPDATE apps SET log_retention_lines = $2 WHERE id = $1", appId, lines);

    private static void AssertContiguousFromZero(List<int> numbers)
    {
        numbers.Should().NotBeEmpty();
        numbers.Should().Equal(Enumerable.Range(0, numbers.Count), "no line is missing, repeated or out of order");
    }

    private async Task WaitForCountAsync(string container, string prefix, int count)
    {
        var seen = 0;
        await Eventually.UntilAsync(async () => (seen = LogApps.Numbers(await LogApps.MessagesAsync(Platform, container), prefix).Count) >= count,
            StoreTimeout, () => $"{count} '{prefix}' lines are stored (seen {seen})");
    }

    private Task WaitForEngineLineAsync(string container, string line) =>
        Eventually.UntilAsync(async () =>
        {
            using var stream = await Platform.Docker.Containers.GetContainerLogsAsync(container,
                new Docker.DotNet.Models.ContainerLogsParameters { ShowStdout = true, Tail = "5" }, CancellationToken.None);
            var (stdout, _) = await stream.ReadOutputToEndAsync(CancellationToken.None);
            return LastNumber(stdout) >= int.Parse(line.Split('-')[1], System.Globalization.CultureInfo.InvariantCulture);
        }, StoreTimeout, $"the app printed {line}");

    private static int LastNumber(string output) =>
        LogApps.Numbers(output.Split('\n').Select(l => l.Trim()), "seq-").DefaultIfEmpty(-1).Max();

    private Task<long> AppLineCountAsync(Guid appId) => LogApps.CountAsync(Platform, "SELECT count(*) FROM log_lines WHERE app_id = $1", appId);

    private Task<long> CountContainingAsync(string value) =>
        LogApps.CountAsync(Platform, "SELECT count(*) FROM log_lines WHERE strpos(message, $1) > 0", value);
}
