using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using PersonalCloud.ControlPlane.Database;
using PersonalCloud.Integration.Tests.Support;

// Under Platform: the platform fixture ([SetUpFixture]) covers only its namespace and those below it.
namespace PersonalCloud.Integration.Tests.Platform.Drills;

/// <summary>Issue 9, item 1: the embedded Postgres lets in only the platform's role, with its password, and that role is no superuser.</summary>
[Category("Integration")]
public sealed class DatabaseAccessDrills : PlatformTest
{
    private const string PgBin = "/usr/lib/postgresql/15/bin";
    private const string PlatformRole = "personalcloud";
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(60);

    [TestCase("postgres")]
    [TestCase(PlatformRole)]
    public async Task AnotherLocalUser_WithoutThePassword_IsRefusedOverTheSocketAndOverTcp(string role)
    {
        var socketDir = Path.Combine(Platform.DataDir, "run", "pg");

        var overSocket = await PsqlAsNobodyAsync(socketDir, Platform.PostgresPort, role);
        var overTcp = await PsqlAsNobodyAsync("127.0.0.1", Platform.PostgresPort, role);

        overSocket.ExitCode.Should().NotBe(0, $"user nobody must not reach Postgres as {role} over the socket, but got: {overSocket.Output}");
        overTcp.ExitCode.Should().NotBe(0, $"user nobody must not reach Postgres as {role} over TCP without the password, but got: {overTcp.Output}");
    }

    [Test]
    public async Task PlatformRole_IsNoSuperuser_AndCannotRunProgramsThroughCopy()
    {
        var marker = Path.Combine(Path.GetTempPath(), "pcloud-copy-program-" + Guid.NewGuid().ToString("N"));
        await using var connection = new NpgsqlConnection(Platform.DatabaseUrl);
        await connection.OpenAsync();

        await using (var who = new NpgsqlCommand("SELECT current_user, rolsuper FROM pg_roles WHERE rolname = current_user", connection))
        await using (var reader = await who.ExecuteReaderAsync())
        {
            (await reader.ReadAsync()).Should().BeTrue();
            reader.GetString(0).Should().Be(PlatformRole);
            reader.GetBoolean(1).Should().BeFalse("the platform's role is no superuser");
        }

        await using var copy = new NpgsqlCommand($"COPY (SELECT 1) TO PROGRAM 'touch {marker}'", connection);
        var run = async () => await copy.ExecuteNonQueryAsync();

        (await run.Should().ThrowAsync<PostgresException>()).Which.SqlState.Should().Be(PostgresErrorCodes.InsufficientPrivilege);
        File.Exists(marker).Should().BeFalse();
    }

    [Test]
    public async Task StartScript_OnAClusterMadeTheOldWay_LocksItDownAndHandsThePlatformItsTables()
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "pcloud-old-cluster-" + Guid.NewGuid().ToString("N")[..8]);
        var port = Platform.PostgresPort + 5;
        var environment = new Dictionary<string, string>
        {
            ["PCLOUD_DATA_DIR"] = dataDir,
            ["PCLOUD_PG_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["PCLOUD_DATABASE_URL"] = "",
        };
        try
        {
            await MakeClusterTheOldWayAsync(dataDir, port);

            var output = await ShellScript.RunAsync(RepoPaths.Script("start-postgres.sh"), environment, TimeSpan.FromMinutes(2));
            var url = output.Split('\n').Single(l => l.StartsWith("PCLOUD_DATABASE_URL=", StringComparison.Ordinal))["PCLOUD_DATABASE_URL=".Length..].Trim();

            new NpgsqlConnectionStringBuilder(url).Username.Should().Be(PlatformRole);
            DatabaseMigrator.Migrate(url, NullLogger.Instance);
            await using var connection = new NpgsqlConnection(url);
            await connection.OpenAsync();
            await using (var owners = new NpgsqlCommand(
                """
                SELECT string_agg(c.relname || ':' || pg_get_userbyid(c.relowner), ', ' ORDER BY c.relname)
                FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'S', 'v', 'm') AND c.relowner <> 'personalcloud'::regrole
                  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
                """, connection))
                (await owners.ExecuteScalarAsync()).Should().Be(DBNull.Value, "every table and sequence of the platform now belongs to its role");
            await using (var alter = new NpgsqlCommand("ALTER TABLE apps ADD COLUMN drill_probe int; ALTER TABLE apps DROP COLUMN drill_probe", connection))
                await alter.ExecuteNonQueryAsync();

            var overSocket = await PsqlAsNobodyAsync(Path.Combine(dataDir, "run", "pg"), port, "postgres");
            overSocket.ExitCode.Should().NotBe(0, $"the upgraded cluster must refuse user nobody, but got: {overSocket.Output}");
        }
        finally
        {
            await ShellScript.RunAsync(RepoPaths.Script("stop-postgres.sh"), environment, TimeSpan.FromMinutes(1));
            await CommandRun.RunAsync("runuser", ["-u", "postgres", "--", $"{PgBin}/pg_ctl", "stop", "-D", Path.Combine(dataDir, "postgres"), "-m", "fast", "-w"], CommandTimeout);
            Directory.Delete(dataDir, recursive: true);
        }
    }

    /// <summary>What start-postgres.sh did before issue 9: trust on the socket, a world-reachable socket, the platform as superuser postgres.</summary>
    private static async Task MakeClusterTheOldWayAsync(string dataDir, int port)
    {
        Directory.CreateDirectory(dataDir);
        await MustAsync("chown", ["postgres:postgres", dataDir]);
        File.SetUnixFileMode(dataDir, (UnixFileMode)0b111_101_101);
        var cluster = Path.Combine(dataDir, "postgres");
        await MustAsync("runuser", ["-u", "postgres", "--", $"{PgBin}/initdb", "-D", cluster, "-U", "postgres", "--auth-local=trust", "--auth-host=trust"]);
        await MustAsync("runuser", ["-u", "postgres", "--", $"{PgBin}/pg_ctl", "-D", cluster, "-l", Path.Combine(dataDir, "old.log"), "-w",
            "-o", $"-p {port} -k {dataDir} -c listen_addresses=127.0.0.1", "start"]);
        DatabaseMigrator.Migrate($"Host=127.0.0.1;Port={port};Username=postgres;Database=personalcloud", NullLogger.Instance);
        await MustAsync("runuser", ["-u", "postgres", "--", $"{PgBin}/pg_ctl", "stop", "-D", cluster, "-m", "fast", "-w"]);
    }

    private static async Task MustAsync(string file, string[] arguments)
    {
        var result = await CommandRun.RunAsync(file, arguments, CommandTimeout);
        result.ExitCode.Should().Be(0, $"{file} {string.Join(' ', arguments)}: {result.Output}");
    }

    private static Task<CommandResult> PsqlAsNobodyAsync(string host, int port, string role) =>
        CommandRun.RunAsync("runuser",
            ["-u", "nobody", "--", $"{PgBin}/psql", "-X", "-w", "-h", host, "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "-U", role, "-d", "personalcloud", "-tAc", "SELECT 1"],
            CommandTimeout,
            new Dictionary<string, string> { ["PGCONNECT_TIMEOUT"] = "10", ["PGPASSWORD"] = "", ["HOME"] = "/tmp" });
}
