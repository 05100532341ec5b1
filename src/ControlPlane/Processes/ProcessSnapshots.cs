using System.Data;
using System.Text.Json;
using Dapper;
using PersonalCloud.Contracts.Processes;

namespace PersonalCloud.ControlPlane.Processes;

/// <summary>Writes process definitions inside the caller's transaction (app creation, rollback).</summary>
public static class ProcessSnapshots
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static Task InsertAsync(IDbConnection connection, IDbTransaction tx, Guid appId, ProcessInput process, DateTimeOffset now) =>
        connection.ExecuteAsync(
            """
            INSERT INTO app_processes (app_id, name, kind, command, replicas, memory_mb, cpus, pids_limit, liveness_command, update_order, created_at, updated_at)
            VALUES (@appId, @Name, @Kind, @Command, @Replicas, @MemoryMb, @Cpus, @Pids, @LivenessCommand, @UpdateOrder, @now, @now)
            """,
            new { appId, process.Name, process.Kind, process.Command, process.Replicas, process.MemoryMb, process.Cpus, process.Pids, process.LivenessCommand, process.UpdateOrder, now },
            tx);

    /// <summary>
    /// The app's definitions become a release's snapshot again (a rollback): the live replica count of a process that
    /// still exists stays, a process the snapshot lacks goes. A snapshot from before processes is the default web process.
    /// </summary>
    public static async Task RestoreAsync(IDbConnection connection, IDbTransaction tx, Guid appId, string? snapshotJson, DateTimeOffset now)
    {
        var snapshot = snapshotJson is null ? [ProcessDefinition.DefaultWeb] : JsonSerializer.Deserialize<List<ProcessDefinition>>(snapshotJson, Json) ?? [];
        var live = (await connection.QueryAsync<(string Name, int Replicas)>(
            "SELECT name, replicas FROM app_processes WHERE app_id = @appId", new { appId }, tx)).ToDictionary(p => p.Name, p => p.Replicas);
        await connection.ExecuteAsync("DELETE FROM app_processes WHERE app_id = @appId", new { appId }, tx);
        foreach (var p in snapshot)
        {
            var replicas = live.TryGetValue(p.Name, out var n) ? n : p.Replicas ?? ProcessLimits.DefaultReplicas;
            await InsertAsync(connection, tx, appId, new ProcessInput(p.Name, p.Kind, p.Command, replicas, p.MemoryMb, p.Cpus, p.Pids, p.LivenessCommand, p.UpdateOrder), now);
        }
    }
}
