using Dapper;
using Npgsql;

namespace PersonalCloud.Reconciler.Routing;

/// <summary>Where the proxy configurator writes down the config Caddy runs; a seam so it can be tested without Postgres.</summary>
public interface ICaddyConfigRecord
{
    Task SaveAsync(string json, CancellationToken cancellationToken);
}

/// <summary>Keeps the config Caddy runs in <c>platform_state</c> (key <see cref="Key"/>), where the dashboard reads it.</summary>
public sealed class CaddyConfigRecord(NpgsqlDataSource db, TimeProvider time) : ICaddyConfigRecord
{
    public const string Key = Contracts.Hosting.PlatformStateKeys.CaddyConfig;

    public async Task SaveAsync(string json, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO platform_state (key, value, updated_at) VALUES (@Key, @json::jsonb, @now)
            ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at
            """,
            new { Key, json, now = time.GetUtcNow() }, cancellationToken: cancellationToken));
    }
}
