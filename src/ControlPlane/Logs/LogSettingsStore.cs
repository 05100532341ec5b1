using Dapper;
using Npgsql;
using PersonalCloud.Contracts.Api;

namespace PersonalCloud.ControlPlane.Logs;

/// <summary>
/// An app's log collection settings, read by the reconciler's collector on its own schedule. They are not container
/// configuration, so changing them neither bumps the generation nor notifies the reconciler.
/// </summary>
public sealed class LogSettingsStore(NpgsqlDataSource db)
{
    private const string Returned = "mask_secrets_in_logs, log_retention_lines, log_retention_hours";

    public async Task<LogSettingsResponse?> GetAsync(Guid appId, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<SettingsRow>(new CommandDefinition(
            $"SELECT {Returned} FROM apps WHERE id = @appId", new { appId }, cancellationToken: ct));
        return row?.ToResponse();
    }

    /// <summary>Null when the app does not exist.</summary>
    public async Task<LogSettingsResponse?> ReplaceAsync(Guid appId, LogSettingsResponse settings, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<SettingsRow>(new CommandDefinition(
            $"""
            UPDATE apps SET mask_secrets_in_logs = @mask, log_retention_lines = @lines, log_retention_hours = @hours
            WHERE id = @appId
            RETURNING {Returned}
            """,
            new { appId, mask = settings.MaskSecretsInLogs, lines = settings.Retention.Lines, hours = settings.Retention.Hours },
            cancellationToken: ct));
        return row?.ToResponse();
    }

    private sealed record SettingsRow
    {
        public bool MaskSecretsInLogs { get; init; }
        public int? LogRetentionLines { get; init; }
        public int? LogRetentionHours { get; init; }

        public LogSettingsResponse ToResponse() => new(MaskSecretsInLogs, new LogRetentionSettings(LogRetentionLines, LogRetentionHours));
    }
}
