using PersonalCloud.Integration.Tests.Support;

namespace PersonalCloud.Integration.Tests.Platform;

/// <summary>What the log collector's tests share: their deadlines and how they read and count stored lines.</summary>
public abstract class LogCollectionTest : PlatformTest
{
    protected static readonly TimeSpan StoreTimeout = TimeSpan.FromSeconds(60);

    // Retention runs every 30 s; one pass plus the app's start.
    protected static readonly TimeSpan RetentionTimeout = TimeSpan.FromSeconds(100);

    protected async Task<List<(string Stream, string Message)>> AllMessagesAsync(string containerId)
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
    protected Task KeepLinesAsync(Guid appId, int lines) =>
        LogApps.ExecuteAsync(Platform, "UPDATE apps SET log_retention_lines = $2 WHERE id = $1", appId, lines);

    protected static void AssertContiguousFromZero(List<int> numbers)
    {
        numbers.Should().NotBeEmpty();
        numbers.Should().Equal(Enumerable.Range(0, numbers.Count), "no line is missing, repeated or out of order");
    }

    protected async Task WaitForCountAsync(string container, string prefix, int count)
    {
        var seen = 0;
        await Eventually.UntilAsync(async () => (seen = LogApps.Numbers(await LogApps.MessagesAsync(Platform, container), prefix).Count) >= count,
            StoreTimeout, () => $"{count} '{prefix}' lines are stored (seen {seen})");
    }

    protected Task WaitForEngineLineAsync(string container, string line) =>
        Eventually.UntilAsync(async () =>
        {
            using var stream = await Platform.Docker.Containers.GetContainerLogsAsync(container,
                new Docker.DotNet.Models.ContainerLogsParameters { ShowStdout = true, Tail = "5" }, CancellationToken.None);
            var (stdout, _) = await stream.ReadOutputToEndAsync(CancellationToken.None);
            return LastNumber(stdout) >= int.Parse(line.Split('-')[1], System.Globalization.CultureInfo.InvariantCulture);
        }, StoreTimeout, $"the app printed {line}");

    protected static int LastNumber(string output) =>
        LogApps.Numbers(output.Split('\n').Select(l => l.Trim()), "seq-").DefaultIfEmpty(-1).Max();

    protected Task<long> AppLineCountAsync(Guid appId) => LogApps.CountAsync(Platform, "SELECT count(*) FROM log_lines WHERE app_id = $1", appId);

    protected Task<long> CountContainingAsync(string value) =>
        LogApps.CountAsync(Platform, "SELECT count(*) FROM log_lines WHERE strpos(message, $1) > 0", value);
}
