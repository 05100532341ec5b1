using Dapper;
using Npgsql;
using PersonalCloud.Contracts.Addons;
using PersonalCloud.Contracts.Secrets;

namespace PersonalCloud.Reconciler.Addons;

/// <summary>Reads desired add-ons (opening their passwords) and writes the controller's observed status.</summary>
public sealed class AddonStore(NpgsqlDataSource db, SecretBox secrets, TimeProvider time)
{
    public async Task<IReadOnlyList<DesiredAddon>> ReadDesiredAsync(CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(
            """
            SELECT ad.id, ad.app_id, a.name AS app_name, ad.kind, ad.version, ad.database_name, ad.user_name, ad.password_sealed
            FROM app_addons ad JOIN apps a ON a.id = ad.app_id
            ORDER BY ad.id
            """, cancellationToken: ct));
        return rows.Select(r => new DesiredAddon(r.Id, r.AppId, r.AppName, r.Kind, r.Version, r.DatabaseName, r.UserName,
            secrets.Open(r.AppId, AddonNames.PasswordSealKey, r.PasswordSealed))).ToList();
    }

    /// <summary>Upserts the add-on's status; <c>ready_at</c> is when it last became ready (kept while it stays ready).</summary>
    public async Task WriteAsync(Guid addonId, Guid appId, string state, string? message, string? containerId, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        // The add-on may have been deleted meanwhile: then there is nothing to report on.
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO addon_status (addon_id, app_id, state, message, container_id, volume_name, ready_at, updated_at)
            SELECT @addonId, @appId, @state, @message, @containerId, @volume, CASE WHEN @state = 'ready' THEN @now END, @now
            WHERE EXISTS (SELECT 1 FROM app_addons WHERE id = @addonId)
            ON CONFLICT (addon_id) DO UPDATE SET
                state = EXCLUDED.state, message = EXCLUDED.message, container_id = EXCLUDED.container_id, volume_name = EXCLUDED.volume_name,
                ready_at = CASE WHEN EXCLUDED.state = 'ready' THEN COALESCE(addon_status.ready_at, EXCLUDED.ready_at) END,
                updated_at = EXCLUDED.updated_at
            """,
            new { addonId, appId, state, message, containerId, volume = AddonNames.VolumeName(addonId), now = time.GetUtcNow() }, cancellationToken: ct));
    }

    private sealed record Row
    {
        public Guid Id { get; init; }
        public Guid AppId { get; init; }
        public string AppName { get; init; } = "";
        public string Kind { get; init; } = "";
        public string Version { get; init; } = "";
        public string DatabaseName { get; init; } = "";
        public string UserName { get; init; } = "";
        public string PasswordSealed { get; init; } = "";
    }
}
