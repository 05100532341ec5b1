using Npgsql;
using PersonalCloud.Integration.Tests.Support;

namespace PersonalCloud.Integration.Tests.Platform;

/// <summary>FROM-scratch busybox apps that print known sequences (and serve 200 on 8080 so their rollout passes), plus reads of log_lines.</summary>
public static class LogApps
{
    public const int BurstLines = 20_000;

    /// <summary>line-0 … line-19999 as fast as busybox prints, then quiet.</summary>
    public const string BurstScript = "i=0; while [ $i -lt 20000 ]; do echo line-$i; i=$((i+1)); done; sleep 3600";

    /// <summary>seq-0, seq-1, … about 20 a second, forever.</summary>
    public const string SlowScript = "i=0; while true; do echo seq-$i; i=$((i+1)); sleep 0.05; done";

    /// <summary>Prints its SECRET_TOKEN five times a second.</summary>
    public const string SecretScript = "while true; do echo \"token=$SECRET_TOKEN here\"; sleep 0.2; done";

    /// <summary>As many lines as it can, forever.</summary>
    public const string FloodScript = "i=0; while true; do echo flood-$i-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx; i=$((i+1)); done";

    public static Task<string> BuildAsync(PlatformFixture platform, string name, string script)
    {
        var dockerfile = $$"""
            FROM scratch
            COPY busybox /bin/busybox
            RUN ["/bin/busybox", "--install", "-s", "/bin"]
            EXPOSE 8080
            CMD ["sh", "-c", "mkdir -p /tmp/www && echo ok > /tmp/www/index.html && httpd -p 8080 -h /tmp/www && {{script.Replace("\"", "\\\"", StringComparison.Ordinal)}}"]
            """;
        var files = TestImages.BusyboxFiles();
        return TestImages.BuildAsync(platform.Docker, TestImages.ContentTag($"pcloud-test/log-{name}", dockerfile, files), dockerfile, files, CancellationToken.None);
    }

    public static async Task<string> RunningContainerAsync(PlatformFixture platform, Guid appId)
    {
        string? id = null;
        await Eventually.UntilAsync(async () =>
        {
            var running = await PlatformDocker.RunningContainersAsync(platform, appId);
            id = running.Count == 1 ? running[0].ID : null;
            return id is not null;
        }, PlatformApi.ConvergeTimeout, $"app {appId} runs one container");
        return id!;
    }

    /// <summary>The container's stored messages of one stream, in storage order.</summary>
    public static async Task<List<string>> MessagesAsync(PlatformFixture platform, string containerId, string stream = "stdout")
    {
        await using var connection = new NpgsqlConnection(platform.DatabaseUrl);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT message FROM log_lines WHERE container_id = $1 AND stream = $2 ORDER BY id", connection);
        command.Parameters.AddWithValue(containerId);
        command.Parameters.AddWithValue(stream);
        var messages = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            messages.Add(reader.GetString(0));
        return messages;
    }

    public static async Task<T> ScalarAsync<T>(PlatformFixture platform, string sql, params object[] parameters)
    {
        await using var connection = new NpgsqlConnection(platform.DatabaseUrl);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var p in parameters)
            command.Parameters.AddWithValue(p);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    public static Task<long> CountAsync(PlatformFixture platform, string sql, params object[] parameters) =>
        ScalarAsync<long>(platform, sql, parameters);

    public static async Task ExecuteAsync(PlatformFixture platform, string sql, params object[] parameters)
    {
        await using var connection = new NpgsqlConnection(platform.DatabaseUrl);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var p in parameters)
            command.Parameters.AddWithValue(p);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>The numbers of "prefix-N" messages, in storage order.</summary>
    public static List<int> Numbers(IEnumerable<string> messages, string prefix) =>
        messages.Where(m => m.StartsWith(prefix, StringComparison.Ordinal))
            .Select(m => int.Parse(m[prefix.Length..].Split('-')[0], System.Globalization.CultureInfo.InvariantCulture))
            .ToList();
}
