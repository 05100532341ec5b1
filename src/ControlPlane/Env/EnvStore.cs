using Dapper;
using Npgsql;
using PersonalCloud.Contracts.Secrets;
using PersonalCloud.Contracts.Validation;
using PersonalCloud.ControlPlane.Database;

namespace PersonalCloud.ControlPlane.Env;

public sealed record EnvVarRow
{
    public string Key { get; init; } = "";
    public string EncryptedValue { get; init; } = "";
    public DateTime CreatedAt { get; init; }
    public DateTime UpdatedAt { get; init; }
}

public enum EnvSetStatus
{
    Applied,
    AppNotFound,
    /// <summary>A name set differs only by case from a stored one (the message names both).</summary>
    CaseConflict,
    /// <summary>The app's environment would pass a cap of <see cref="EnvLimits"/> (the message names it).</summary>
    OverLimit,
}

public sealed record EnvSetResult(EnvSetStatus Status, long Generation = 0, string? Message = null, Releases.ReleaseRow? Release = null);

/// <summary>Env vars are sealed before they reach Postgres; only a single explicitly requested value is ever opened here.</summary>
public sealed class EnvStore(NpgsqlDataSource db, SecretBox secrets, TimeProvider time)
{
    /// <summary>
    /// Upserts (value) or removes (null) each variable in one transaction, after checking the app's whole environment
    /// as it would be (names differing only by case, the count and size caps) under a lock on the app's row, so two
    /// concurrent changes cannot pass the caps together. Applied: the new generation and the release that rolls the
    /// change out (none before the first deploy).
    /// </summary>
    public async Task<EnvSetResult> SetAsync(Guid appId, IReadOnlyDictionary<string, string?> vars, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        if (await connection.QuerySingleOrDefaultAsync<int?>("SELECT 1 FROM apps WHERE id = @appId FOR UPDATE", new { appId }, tx) is null)
            return new EnvSetResult(EnvSetStatus.AppNotFound);

        var stored = (await connection.QueryAsync<EnvVarRow>("SELECT key, encrypted_value FROM environment_variables WHERE app_id = @appId", new { appId }, tx))
            .ToDictionary(r => r.Key, r => SecretBox.PlaintextBytes(r.EncryptedValue), StringComparer.Ordinal);
        foreach (var key in vars.Where(v => v.Value is not null).Select(v => v.Key))
        {
            if (EnvLimits.CaseTwin(key, stored.Keys, vars) is { } twin)
            {
                return new EnvSetResult(EnvSetStatus.CaseConflict, Message:
                    $"'{key}' differs only by case from '{twin}', which the app already has: set '{twin}' instead, or remove it in the same request ({{\"{twin}\": null, \"{key}\": \"...\"}}) to rename it.");
            }
        }

        if (EnvLimits.Totals(EnvSize.Of(stored), EnvSize.Of(EnvLimits.Apply(stored, vars))) is { } overLimit)
            return new EnvSetResult(EnvSetStatus.OverLimit, Message: overLimit);

        var now = time.GetUtcNow();
        foreach (var (key, value) in vars)
        {
            if (value is null)
            {
                await connection.ExecuteAsync("DELETE FROM environment_variables WHERE app_id = @appId AND key = @key", new { appId, key }, tx);
                continue;
            }

            await connection.ExecuteAsync(
                """
                INSERT INTO environment_variables (id, app_id, key, encrypted_value, created_at, updated_at)
                VALUES (@id, @appId, @key, @sealed, @now, @now)
                ON CONFLICT (app_id, key) DO UPDATE SET encrypted_value = EXCLUDED.encrypted_value, updated_at = EXCLUDED.updated_at
                """,
                new { id = Guid.CreateVersion7(), appId, key, @sealed = secrets.Seal(appId, key, value), now },
                tx);
        }

        // A deployed app gets a new release carrying the new env; one never deployed just keeps the values for later.
        var release = await Releases.ReleaseSnapshots.InsertFromDesiredAsync(connection, tx, appId, Contracts.Apps.ReleaseReasons.EnvChange, now);
        var generation = release?.Generation ?? await DesiredStateChanges.BumpAsync(connection, tx, appId);
        if (generation is null)
            return new EnvSetResult(EnvSetStatus.AppNotFound);
        await tx.CommitAsync(ct);
        return new EnvSetResult(EnvSetStatus.Applied, generation.Value, Release: release?.Release);
    }

    public async Task<IReadOnlyList<EnvVarRow>> ListAsync(Guid appId, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var rows = await connection.QueryAsync<EnvVarRow>(new CommandDefinition(
            "SELECT key, encrypted_value, created_at, updated_at FROM environment_variables WHERE app_id = @appId ORDER BY key",
            new { appId }, cancellationToken: ct));
        return rows.AsList();
    }

    /// <summary>Opens one value; throws <see cref="SecretOpenException"/> if it cannot be decrypted.</summary>
    public async Task<string?> RevealAsync(Guid appId, string key, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var sealedValue = await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition(
            "SELECT encrypted_value FROM environment_variables WHERE app_id = @appId AND key = @key", new { appId, key }, cancellationToken: ct));
        return sealedValue is null ? null : secrets.Open(appId, key, sealedValue);
    }
}
