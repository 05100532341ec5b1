using System.Text.RegularExpressions;
using Dapper;
using DbUp;
using Npgsql;
using PersonalCloud.Contracts.Hosting;
using PersonalCloud.ControlPlane.Database;
using PersonalCloud.Integration.Tests.Support;

namespace PersonalCloud.Integration.Tests.Platform;

/// <summary>
/// Migration 0015 on rows written before it: every generated hostname and domain gets its claim, and a domain that was
/// also another app's generated hostname (the race the claims now prevent) is removed, journaled and its app re-reconciled.
/// A cluster of its own from the project's script (the platform's role may enter only the platform's database).
/// </summary>
[Category("Integration")]
public sealed partial class HostnameClaimsMigrationTests : PlatformTest
{
    [GeneratedRegex(@"\.(\d{4})_[^.]+\.sql$")]
    private static partial Regex ScriptNumber();

    [Test]
    public async Task Migration_ClaimsEveryExistingHostname_AndRemovesADomainThatWasAnotherAppsGeneratedHostname()
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "pcloud-migration-" + Guid.NewGuid().ToString("N")[..8]);
        var environment = new Dictionary<string, string>
        {
            ["PCLOUD_DATA_DIR"] = dataDir,
            ["PCLOUD_PG_PORT"] = (Platform.PostgresPort + 6).ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["PCLOUD_DATABASE_URL"] = "",
        };
        try
        {
            var output = await ShellScript.RunAsync(RepoPaths.Script("start-postgres.sh"), environment, TimeSpan.FromMinutes(2));
            var connectionString = DatabaseConnectionString.Normalize(
                output.Split('\n').Single(l => l.StartsWith("PCLOUD_DATABASE_URL=", StringComparison.Ordinal))["PCLOUD_DATABASE_URL=".Length..].Trim());
            var before = DeployChanges.To.PostgresqlDatabase(connectionString)
                .WithScriptsEmbeddedInAssembly(typeof(DatabaseMigrator).Assembly,
                    name => ScriptNumber().Match(name) is { Success: true } m && string.CompareOrdinal(m.Groups[1].Value, "0015") < 0)
                .WithTransactionPerScript().LogToNowhere().Build().PerformUpgrade();
            before.Successful.Should().BeTrue(before.Error?.Message);

            var (holder, squatter, other) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
            await using (var connection = new NpgsqlConnection(connectionString))
            {
                await connection.ExecuteAsync("""
                    INSERT INTO apps (id, owner_id, name, memory_mb, cpus, pids_limit, generated_hostname, created_at) VALUES
                        (@holder, 'owner', 'shop', 256, 0.5, 256, 'shop.example.test', now()),
                        (@squatter, 'owner', 'blog', 256, 0.5, 256, 'blog.example.test', now()),
                        (@other, 'owner', 'wiki', 256, 0.5, 256, 'wiki.example.test', now());
                    INSERT INTO domains (id, app_id, hostname, created_at) VALUES
                        (gen_random_uuid(), @squatter, 'shop.example.test', now()),
                        (gen_random_uuid(), @squatter, 'www.blog.test', now());
                    """, new { holder, squatter, other });
            }

            DatabaseMigrator.Migrate(connectionString, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);

            await using (var connection = new NpgsqlConnection(connectionString))
            {
                var claims = (await connection.QueryAsync<(string Hostname, Guid AppId, string Kind)>(
                    "SELECT hostname, app_id, kind FROM hostname_claims ORDER BY hostname")).ToList();
                claims.Should().Equal(
                    ("blog.example.test", squatter, "generated"),
                    ("shop.example.test", holder, "generated"),
                    ("wiki.example.test", other, "generated"),
                    ("www.blog.test", squatter, "domain"));
                (await connection.QueryAsync<string>("SELECT hostname FROM domains")).Should().Equal("www.blog.test");
                (await connection.ExecuteScalarAsync<long>("SELECT generation FROM apps WHERE id = @squatter", new { squatter })).Should().Be(2);
                (await connection.QuerySingleAsync<string>("SELECT reason FROM app_events WHERE app_id = @squatter AND action = 'RemoveDomain'", new { squatter }))
                    .Should().Contain("shop.example.test");

                // From now on the database refuses a second owner, whoever writes.
                var again = () => connection.ExecuteAsync(
                    "INSERT INTO domains (id, app_id, hostname, created_at) VALUES (gen_random_uuid(), @other, 'blog.example.test', now())", new { other });
                (await again.Should().ThrowAsync<PostgresException>()).Which.ConstraintName.Should().Be("hostname_claims_pkey");
            }
        }
        finally
        {
            await ShellScript.RunAsync(RepoPaths.Script("stop-postgres.sh"), environment, TimeSpan.FromMinutes(1));
            if (Directory.Exists(dataDir))
                Directory.Delete(dataDir, recursive: true);
        }
    }
}
