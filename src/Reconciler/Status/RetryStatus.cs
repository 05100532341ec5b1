using System.Globalization;
using Dapper;
using Npgsql;
using PersonalCloud.Contracts.Apps;
using PersonalCloud.Reconciler.Containers;

namespace PersonalCloud.Reconciler.Status;

/// <summary>
/// Tells the user a pass keeps failing: the error, the attempt and the next retry go to the app's status until a pass
/// succeeds (a successful pass writes its own status and last error, which clears this).
/// </summary>
public sealed class RetryStatus(NpgsqlDataSource db, TimeProvider time)
{
    public async Task WriteAsync(Guid appId, Exception error, int attempt, TimeSpan delay, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var message = Describe(error, attempt, now + delay);
        await using var connection = await db.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE apps SET status = @retrying, last_error = @message, status_updated_at = @now WHERE id = @appId AND status <> @deleting",
            new { retrying = AppStatus.Retrying, message, now, appId, deleting = AppStatus.Deleting }, cancellationToken: ct));
    }

    /// <summary>Pure: "reconcile failed (attempt 3): &lt;reason&gt;; next retry at &lt;time&gt;".</summary>
    public static string Describe(Exception error, int attempt, DateTimeOffset nextRetry) =>
        string.Create(CultureInfo.InvariantCulture,
            $"reconcile failed (attempt {attempt}): {DockerObservedState.FailureReason(error)}; next retry at {nextRetry.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z");
}
