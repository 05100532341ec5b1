using System.Text.Json;
using Npgsql;
using PersonalCloud.Contracts.Secrets;

namespace PersonalCloud.Reconciler.Logs;

/// <summary>Reads what a container's lines are masked with: its release's env values (opened here, never logged) and the app's opt-out.</summary>
public sealed class LogMaskReader(NpgsqlDataSource db, SecretBox secrets)
{
    /// <summary>The values the container was started with; a value that cannot be opened throws rather than go unmasked.</summary>
    public async Task<SecretMask> ReadAsync(Guid appId, Guid? releaseId, CancellationToken ct)
    {
        if (releaseId is not { } release)
            return SecretMask.None;
        await using var command = db.CreateCommand("SELECT env_snapshot::text FROM releases WHERE id = $1 AND app_id = $2");
        command.Parameters.AddWithValue(release);
        command.Parameters.AddWithValue(appId);
        if (await command.ExecuteScalarAsync(ct) is not string snapshot)
            return SecretMask.None;
        var sealedEnv = JsonSerializer.Deserialize<Dictionary<string, string>>(snapshot) ?? [];
        return SecretMask.From(sealedEnv.ToDictionary(e => e.Key, e => secrets.Open(appId, e.Key, e.Value), StringComparer.Ordinal));
    }

    /// <summary>apps.mask_secrets_in_logs; a missing app masks (the safe side).</summary>
    public async Task<bool> IsMaskingOnAsync(Guid appId, CancellationToken ct)
    {
        await using var command = db.CreateCommand("SELECT mask_secrets_in_logs FROM apps WHERE id = $1");
        command.Parameters.AddWithValue(appId);
        return await command.ExecuteScalarAsync(ct) is not false;
    }
}
