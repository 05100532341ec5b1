using System.Net;
using System.Net.Http.Json;
using System.Text;
using Npgsql;
using PersonalCloud.Contracts.Api;

namespace PersonalCloud.Integration.Tests.Platform;

[Category("Integration")]
public sealed class SecretsAtRestTests
{
    [Test]
    public async Task EnvValue_IsNowhereInPlaintextInTheDatabaseFiles_AndOnlyRevealedWhenAskedByName()
    {
        var platform = PlatformFixture.Current;
        var api = new PlatformApi(platform);
        var app = await api.CreateAppAsync(PlatformApi.UniqueName("secret"));
        var secret = "s3cr3t-" + Guid.NewGuid().ToString("N");
        await api.SetEnvAsync(app.Id, new Dictionary<string, string?> { ["DATABASE_PASSWORD"] = secret });

        await using (var connection = new NpgsqlConnection(platform.DatabaseUrl))
        {
            await connection.OpenAsync();
            await using (var checkpoint = new NpgsqlCommand("CHECKPOINT", connection))
                await checkpoint.ExecuteNonQueryAsync();
            await using var read = new NpgsqlCommand("SELECT encrypted_value FROM environment_variables WHERE app_id = $1", connection);
            read.Parameters.AddWithValue(app.Id);
            var stored = (string)(await read.ExecuteScalarAsync())!;
            stored.Should().StartWith("pcv1.").And.NotContain(secret);
        }

        var needle = Encoding.UTF8.GetBytes(secret);
        var holders = Directory.EnumerateFiles(platform.PostgresDataDir, "*", SearchOption.AllDirectories)
            .Where(f => Contains(f, needle))
            .ToList();
        holders.Should().BeEmpty("the value is sealed before it reaches Postgres");

        var list = await api.Http.GetStringAsync($"/api/apps/{app.Id}/env");
        list.Should().Contain("DATABASE_PASSWORD").And.NotContain(secret);
        var revealed = await api.Http.GetFromJsonAsync<EnvValueResponse>($"/api/apps/{app.Id}/env/DATABASE_PASSWORD");
        revealed!.Value.Should().Be(secret);
        (await api.Http.GetAsync($"/api/apps/{app.Id}/env/NOT_SET")).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    private static bool Contains(string path, byte[] needle)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (IOException)
        {
            return false;
        }

        return bytes.AsSpan().IndexOf(needle) >= 0;
    }
}
