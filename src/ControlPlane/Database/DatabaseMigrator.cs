using DbUp;
using Npgsql;

namespace PersonalCloud.ControlPlane.Database;

/// <summary>Applies the embedded, versioned SQL scripts in Database/Migrations with DbUp, each in its own transaction.</summary>
public static partial class DatabaseMigrator
{
    public static void Migrate(string connectionString, ILogger logger)
    {
        if (!DatabaseExists(connectionString))
            EnsureDatabase.For.PostgresqlDatabase(connectionString, new DbUp.Engine.Output.NoOpUpgradeLog());
        var upgrader = DeployChanges.To
            .PostgresqlDatabase(connectionString)
            .WithScriptsEmbeddedInAssembly(typeof(DatabaseMigrator).Assembly, name => name.Contains(".Database.Migrations.", StringComparison.Ordinal))
            .WithTransactionPerScript()
            .LogToNowhere()
            .Build();

        var scripts = upgrader.GetScriptsToExecute();
        var result = upgrader.PerformUpgrade();
        if (!result.Successful)
            throw new InvalidOperationException($"Database migration failed at {result.ErrorScript?.Name}.", result.Error);
        LogMigrated(logger, scripts.Count);
    }

    // EnsureDatabase goes through the "postgres" database, which the embedded cluster's platform role may not enter.
    private static bool DatabaseExists(string connectionString)
    {
        try
        {
            using var connection = new NpgsqlConnection(connectionString);
            connection.Open();
            return true;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InvalidCatalogName)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Database schema up to date ({ScriptCount} new scripts applied)")]
    private static partial void LogMigrated(ILogger logger, int scriptCount);
}
