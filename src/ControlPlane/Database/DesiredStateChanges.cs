using System.Data;
using Dapper;
using PersonalCloud.Contracts.Notifications;

namespace PersonalCloud.ControlPlane.Database;

/// <summary>
/// Every change of an app's desired state bumps its generation and NOTIFYs the reconciler, inside the caller's
/// transaction so the notification is delivered only on commit.
/// </summary>
public static class DesiredStateChanges
{
    /// <summary>Null when the app does not exist (nothing is notified then).</summary>
    public static async Task<long?> BumpAsync(IDbConnection connection, IDbTransaction transaction, Guid appId, bool restart = false)
    {
        var generation = await connection.ExecuteScalarAsync<long?>(
            """
            UPDATE apps SET generation = generation + 1,
                            restart_generation = restart_generation + CASE WHEN @restart THEN 1 ELSE 0 END,
                            restart_count = restart_count + CASE WHEN @restart THEN 1 ELSE 0 END
            WHERE id = @appId
            RETURNING generation
            """,
            new { appId, restart },
            transaction);
        if (generation is not null)
            await NotifyAsync(connection, transaction, appId);
        return generation;
    }

    public static Task NotifyAsync(IDbConnection connection, IDbTransaction? transaction, Guid appId) =>
        connection.ExecuteAsync("SELECT pg_notify(@channel, @payload)", new { channel = NotificationChannels.DesiredStateChanged, payload = appId.ToString() }, transaction);
}
