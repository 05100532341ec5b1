using Dapper;
using Npgsql;

namespace PersonalCloud.Reconciler.Events;

/// <summary>One thing the reconciler did to an app, why, and how it went.</summary>
public sealed record AppEvent(Guid AppId, Guid? ReleaseId, long? Generation, string Action, string Reason, string Outcome, string? Error, TimeSpan Duration);

/// <summary>
/// Writes the per-app event journal that the API serves at /api/apps/{id}/events. Reasons and errors come from the
/// planner and the engine, never from env values. Keeps the newest <see cref="KeepPerApp"/> events of each app.
/// </summary>
public sealed class EventJournal(NpgsqlDataSource db, TimeProvider time)
{
    public const int KeepPerApp = 2_000;
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
    private const int TrimEvery = 100;
    private int _writes;

    public async Task RecordAsync(AppEvent e, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO app_events (app_id, release_id, generation, action, reason, outcome, error, duration_ms, at)
            VALUES (@AppId, @ReleaseId, @Generation, @Action, @Reason, @Outcome, @Error, @durationMs, @at)
            """,
            new { e.AppId, e.ReleaseId, e.Generation, e.Action, e.Reason, e.Outcome, e.Error, durationMs = (int)e.Duration.TotalMilliseconds, at = time.GetUtcNow() },
            cancellationToken: ct));

        if (Interlocked.Increment(ref _writes) % TrimEvery == 0)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "DELETE FROM app_events WHERE app_id = @AppId AND id < (SELECT id FROM app_events WHERE app_id = @AppId ORDER BY id DESC OFFSET @keep LIMIT 1)",
                new { e.AppId, keep = KeepPerApp }, cancellationToken: ct));
        }
    }
}
