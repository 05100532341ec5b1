using System.Text.RegularExpressions;
using Dapper;
using DbUp;
using Npgsql;
using PersonalCloud.Contracts.Hosting;
using PersonalCloud.ControlPlane.Database;
using PersonalCloud.Integration.Tests.Support;

namespace PersonalCloud.Integration.Tests.Platform;

/// <summary>
/// Migration 0021 on rows written before it: every existing app becomes one web process (one replica, the image's CMD,
/// the app's limits), a crash loop in progress keeps its backoff on that process's replica 0, and releases made before
/// keep no process snapshot (read as that one web process). Its running container keeps its spec hash (a unit test,
/// LegacySpecHashTests), so the upgrade restarts nothing. A cluster of its own from the project's script.
/// </summary>
[Category("Integration")]
public sealed partial class ProcessesMigrationTests : PlatformTest
{
    [GeneratedRegex(@"\.(\d{4})_[^.]+\.sql$")]
    private static partial Regex ScriptNumber();

    [Test]
    public async Task Migration_MakesEveryExistingAppOneWebProcess_AndKeepsItsCrashBackoff()
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "pcloud-migration-" + Guid.NewGuid().ToString("N")[..8]);
        var environment = new Dictionary<string, string>
        {
            ["PCLOUD_DATA_DIR"] = dataDir,
            ["PCLOUD_PG_PORT"] = (Platform.PostgresPort + 7).ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["PCLOUD_DATABASE_URL"] = "",
        };
        try
        {
            var output = await ShellScript.RunAsync(RepoPaths.Script("start-postgres.sh"), environment, TimeSpan.FromMinutes(2));
            var connectionString = DatabaseConnectionString.Normalize(
                output.Split('\n').Single(l => l.StartsWith("PCLOUD_DATABASE_URL=", StringComparison.Ordinal))["PCLOUD_DATABASE_URL=".Length..].Trim());
            var before = DeployChanges.To.PostgresqlDatabase(connectionString)
                .WithScriptsEmbeddedInAssembly(typeof(DatabaseMigrator).Assembly,
                    name => ScriptNumber().Match(name) is { Success: true } m && string.CompareOrdinal(m.Groups[1].Value, "0021") < 0)
                .WithTransactionPerScript().LogToNowhere().Build().PerformUpgrade();
            before.Successful.Should().BeTrue(before.Error?.Message);

            var (serving, looping, fresh) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
            var (servingRelease, loopingRelease) = (Guid.NewGuid(), Guid.NewGuid());
            var notBefore = new DateTime(2030, 1, 1, 12, 0, 0, DateTimeKind.Utc);
            await using (var connection = new NpgsqlConnection(connectionString))
            {
                await connection.ExecuteAsync("""
                    INSERT INTO apps (id, owner_id, name, memory_mb, cpus, pids_limit, generated_hostname, created_at, status) VALUES
                        (@serving, 'owner', 'shop', 256, 0.5, 256, 'shop.example.test', now(), 'running'),
                        (@looping, 'owner', 'blog', 256, 0.5, 256, 'blog.example.test', now(), 'crash-looping'),
                        (@fresh, 'owner', 'wiki', 256, 0.5, 256, 'wiki.example.test', now(), 'created');
                    INSERT INTO releases (id, app_id, image, status, created_at) VALUES
                        (@servingRelease, @serving, 'hello:1', 'active', now()),
                        (@loopingRelease, @looping, 'hello:1', 'active', now());
                    UPDATE apps SET current_release_id = @servingRelease, desired_release_id = @servingRelease WHERE id = @serving;
                    UPDATE apps SET current_release_id = @loopingRelease, desired_release_id = @loopingRelease, crash_count = 3, last_exit_code = 137,
                                    restart_not_before = @notBefore WHERE id = @looping;
                    """, new { serving, looping, fresh, servingRelease, loopingRelease, notBefore });
            }

            DatabaseMigrator.Migrate(connectionString, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);

            await using (var connection = new NpgsqlConnection(connectionString))
            {
                var processes = (await connection.QueryAsync<(Guid AppId, string Name, string Kind, string? Command, int Replicas, int? MemoryMb)>(
                    "SELECT app_id, name, kind, command, replicas, memory_mb FROM app_processes")).ToList();
                processes.Should().BeEquivalentTo(new[] { serving, looping, fresh }.Select(id => (id, "web", "web", (string?)null, 1, (int?)null)));

                var replicas = (await connection.QueryAsync<(Guid AppId, string Process, int Replica, string Status, int CrashCount, int? LastExitCode, DateTime? RestartNotBefore)>(
                    "SELECT app_id, process, replica, status, crash_count, last_exit_code, restart_not_before FROM process_replicas")).ToList();
                replicas.Should().BeEquivalentTo(new[]
                {
                    (serving, "web", 0, "running", 0, (int?)null, (DateTime?)null),
                    (looping, "web", 0, "crash-looping", 3, (int?)137, (DateTime?)notBefore),
                });
                (await connection.QueryAsync<string?>("SELECT processes::text FROM releases")).Should().AllSatisfy(p => p.Should().BeNull());

                // From now on the database refuses a second web process.
                var second = () => connection.ExecuteAsync(
                    "INSERT INTO app_processes (app_id, name, kind, replicas, created_at, updated_at) VALUES (@serving, 'www', 'web', 1, now(), now())", new { serving });
                (await second.Should().ThrowAsync<PostgresException>()).Which.ConstraintName.Should().Be("app_processes_one_web");
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
