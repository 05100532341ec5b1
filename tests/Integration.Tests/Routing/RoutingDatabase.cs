using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using PersonalCloud.Contracts.Hosting;
using PersonalCloud.ControlPlane.Database;
using PersonalCloud.Integration.Tests.Support;

namespace PersonalCloud.Integration.Tests.Routing;

/// <summary>
/// A private Postgres cluster for the routing tests, started with the project's own script and migrated as the
/// ControlPlane does; a fixed directory and port (not the platform tests'), so a killed run is cleaned up by the next.
/// </summary>
[SetUpFixture]
public sealed class RoutingDatabase
{
    // PCLOUD_TEST_SLOT shifts the port and the data directory as it does the platform's, so checkouts run side by side.
    private static readonly int Slot = int.TryParse(Environment.GetEnvironmentVariable("PCLOUD_TEST_SLOT"), out var slot) && slot is >= 0 and <= 9 ? slot : 0;
    private static readonly int Port = 18292 + (Slot * 10); // below the ephemeral range, like the platform tests' ports
    private static NpgsqlDataSource? _dataSource;
    private readonly Dictionary<string, string> _environment = new(StringComparer.Ordinal)
    {
        ["PCLOUD_DATA_DIR"] = Path.Combine(Path.GetTempPath(), Slot == 0 ? "pcloud-routing-tests" : $"pcloud-routing-tests-{Slot}"),
        ["PCLOUD_PG_PORT"] = Port.ToString(CultureInfo.InvariantCulture),
        ["PCLOUD_DATABASE_URL"] = "",
    };

    public static NpgsqlDataSource DataSource => _dataSource ?? throw new InvalidOperationException("The routing database has not started.");

    public static string ConnectionString { get; private set; } = "";

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        await StopAndRemoveAsync();
        var output = await ShellScript.RunAsync(RepoPaths.Script("start-postgres.sh"), _environment, TimeSpan.FromMinutes(2));
        ConnectionString = DatabaseConnectionString.Normalize(
            output.Split('\n').Single(l => l.StartsWith("PCLOUD_DATABASE_URL=", StringComparison.Ordinal))["PCLOUD_DATABASE_URL=".Length..]);
        DatabaseMigrator.Migrate(ConnectionString, NullLogger.Instance);
        _dataSource = NpgsqlDataSource.Create(ConnectionString);
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        if (_dataSource is not null)
            await _dataSource.DisposeAsync();
        _dataSource = null;
        await StopAndRemoveAsync();
    }

    private async Task StopAndRemoveAsync()
    {
        var dir = _environment["PCLOUD_DATA_DIR"];
        if (!Directory.Exists(dir))
            return;
        await ShellScript.RunAsync(RepoPaths.Script("stop-postgres.sh"), _environment, TimeSpan.FromSeconds(60));
        Directory.Delete(dir, recursive: true);
    }
}
