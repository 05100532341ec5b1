using Dapper;
using Npgsql;
using PersonalCloud.Reconciler.Planning;

namespace PersonalCloud.Reconciler.Status;

/// <summary>
/// The <c>process_replicas</c> rows of one app: each wanted replica's status and crash bookkeeping, written in the status
/// transaction. Replicas no longer wanted lose their row; their crash counts go with it.
/// </summary>
public static class ReplicaStatusRows
{
    public static async Task WriteAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid appId, IReadOnlyList<ReplicaStatus> replicas, DateTimeOffset now)
    {
        await connection.ExecuteAsync(
            """
            DELETE FROM process_replicas p WHERE p.app_id = @appId
              AND NOT EXISTS (SELECT 1 FROM unnest(@processes, @indexes) AS w(process, replica) WHERE w.process = p.process AND w.replica = p.replica)
            """,
            new { appId, processes = replicas.Select(r => r.Process).ToArray(), indexes = replicas.Select(r => r.Index).ToArray() }, tx);
        foreach (var r in replicas)
        {
            var crash = r.Crash;
            await connection.ExecuteAsync(
                """
                INSERT INTO process_replicas (app_id, process, replica, status, container_id, release_id, crash_count, restart_count,
                                              last_exit_code, last_crash_at, last_reason, restart_not_before, updated_at)
                VALUES (@appId, @Process, @Index, @Status, @ContainerId, @ReleaseId, COALESCE(@count, 0), @restarts,
                        @exitCode, @crashAt, @reason, @notBefore, @now)
                ON CONFLICT (app_id, process, replica) DO UPDATE SET
                    status = EXCLUDED.status, container_id = EXCLUDED.container_id, release_id = EXCLUDED.release_id, updated_at = EXCLUDED.updated_at,
                    restart_count = process_replicas.restart_count + EXCLUDED.restart_count,
                    crash_count = CASE WHEN @hasCrash THEN EXCLUDED.crash_count ELSE process_replicas.crash_count END,
                    last_exit_code = COALESCE(EXCLUDED.last_exit_code, process_replicas.last_exit_code),
                    last_crash_at = COALESCE(EXCLUDED.last_crash_at, process_replicas.last_crash_at),
                    last_reason = COALESCE(EXCLUDED.last_reason, process_replicas.last_reason),
                    restart_not_before = CASE WHEN @hasCrash THEN EXCLUDED.restart_not_before ELSE process_replicas.restart_not_before END
                """,
                new
                {
                    appId, r.Process, r.Index, r.Status, r.ContainerId, r.ReleaseId, count = crash?.Count, restarts = r.Restarted ? 1 : 0,
                    exitCode = crash?.LastExitCode, crashAt = crash?.LastCrashAt, reason = crash?.Reason, notBefore = crash?.RestartNotBefore,
                    hasCrash = crash is not null, now,
                }, tx);
        }
    }
}
