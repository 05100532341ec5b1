using System.Security.Cryptography;
using Dapper;
using Npgsql;
using PersonalCloud.Contracts.Addons;
using PersonalCloud.Contracts.Apps;
using PersonalCloud.Contracts.Secrets;
using PersonalCloud.ControlPlane.Database;
using PersonalCloud.ControlPlane.Releases;

namespace PersonalCloud.ControlPlane.Addons;

public enum AddonChange
{
    Applied,
    AppNotFound,
    Exists,
    NotFound,
    WrongConfirmation,
}

public sealed record AddonChangeResult(AddonChange Status, long Generation = 0, ReleaseRow? Release = null, string? AppName = null);

/// <summary>
/// Desired add-ons. The password is generated here and stored only sealed (with DATABASE_URL, sealed as the env value it
/// becomes); a change makes a new release of a deployed app, so the app gets (or loses) DATABASE_URL without a redeploy.
/// </summary>
public sealed class AddonsStore(NpgsqlDataSource db, SecretBox secrets, TimeProvider time)
{
    private const string SelectAddon = """
        SELECT ad.id, ad.app_id, ad.kind, ad.version, ad.host, ad.database_name, ad.user_name, ad.database_url_sealed, ad.created_at,
               s.state, s.message, s.ready_at,
               EXISTS (SELECT 1 FROM environment_variables e WHERE e.app_id = ad.app_id AND e.key = 'DATABASE_URL') AS env_overridden
        FROM app_addons ad LEFT JOIN addon_status s ON s.addon_id = ad.id
        """;

    public async Task<AddonChangeResult> CreateAsync(Guid appId, string kind, string version, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        if (await connection.QuerySingleOrDefaultAsync<int?>("SELECT 1 FROM apps WHERE id = @appId FOR UPDATE", new { appId }, tx) is null)
            return new AddonChangeResult(AddonChange.AppNotFound);
        if (await connection.QuerySingleOrDefaultAsync<int?>("SELECT 1 FROM app_addons WHERE app_id = @appId AND kind = @kind", new { appId, kind }, tx) is not null)
            return new AddonChangeResult(AddonChange.Exists);

        var password = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        var url = AddonNames.PostgresUrl(AddonNames.PostgresUser, password, AddonNames.PostgresHost, AddonNames.PostgresDatabase);
        var now = time.GetUtcNow();
        await connection.ExecuteAsync(
            """
            INSERT INTO app_addons (id, app_id, kind, version, host, database_name, user_name, password_sealed, database_url_sealed, created_at)
            VALUES (@id, @appId, @kind, @version, @host, @database, @user, @password, @url, @now)
            """,
            new
            {
                id = Guid.CreateVersion7(), appId, kind, version, host = AddonNames.PostgresHost, database = AddonNames.PostgresDatabase,
                user = AddonNames.PostgresUser, password = secrets.Seal(appId, AddonNames.PasswordSealKey, password),
                url = secrets.Seal(appId, AddonNames.DatabaseUrlKey, url), now,
            },
            tx);
        return await RollOutAsync(connection, tx, appId, now, ct);
    }

    /// <summary>Removes the add-on when <paramref name="confirm"/> is the app's name; its volume stays (the reconciler never deletes it).</summary>
    public async Task<AddonChangeResult> DeleteAsync(Guid appId, string kind, string? confirm, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var name = await connection.QuerySingleOrDefaultAsync<string?>("SELECT name FROM apps WHERE id = @appId FOR UPDATE", new { appId }, tx);
        if (name is null)
            return new AddonChangeResult(AddonChange.AppNotFound);
        if (await connection.QuerySingleOrDefaultAsync<int?>("SELECT 1 FROM app_addons WHERE app_id = @appId AND kind = @kind", new { appId, kind }, tx) is null)
            return new AddonChangeResult(AddonChange.NotFound);
        if (!string.Equals(confirm, name, StringComparison.Ordinal))
            return new AddonChangeResult(AddonChange.WrongConfirmation, AppName: name);

        await connection.ExecuteAsync("DELETE FROM app_addons WHERE app_id = @appId AND kind = @kind", new { appId, kind }, tx);
        return await RollOutAsync(connection, tx, appId, time.GetUtcNow(), ct);
    }

    public async Task<IReadOnlyList<AddonRow>> ListAsync(Guid appId, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var rows = await connection.QueryAsync<AddonRow>(new CommandDefinition(
            SelectAddon + " WHERE ad.app_id = @appId ORDER BY ad.kind", new { appId }, cancellationToken: ct));
        return rows.AsList();
    }

    /// <summary>The add-on's connection string, opened; null when the app has no such add-on. Throws <see cref="SecretOpenException"/>.</summary>
    public async Task<string?> RevealAsync(Guid appId, string kind, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var sealedUrl = await connection.QuerySingleOrDefaultAsync<string?>(new CommandDefinition(
            "SELECT database_url_sealed FROM app_addons WHERE app_id = @appId AND kind = @kind", new { appId, kind }, cancellationToken: ct));
        return sealedUrl is null ? null : secrets.Open(appId, AddonNames.DatabaseUrlKey, sealedUrl);
    }

    /// <summary>A deployed app gets a new release with the changed env (DATABASE_URL in or out); one never deployed just moves its generation.</summary>
    private static async Task<AddonChangeResult> RollOutAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid appId, DateTimeOffset now, CancellationToken ct)
    {
        var release = await ReleaseSnapshots.InsertFromDesiredAsync(connection, tx, appId, ReleaseReasons.Addon, now);
        var generation = release?.Generation ?? await DesiredStateChanges.BumpAsync(connection, tx, appId);
        if (generation is null)
            return new AddonChangeResult(AddonChange.AppNotFound);
        await tx.CommitAsync(ct);
        return new AddonChangeResult(AddonChange.Applied, generation.Value, release?.Release);
    }
}
