using Dapper;
using Npgsql;
using PersonalCloud.Contracts.Apps;
using PersonalCloud.Contracts.Processes;
using PersonalCloud.ControlPlane.Database;
using PersonalCloud.ControlPlane.Releases;

namespace PersonalCloud.ControlPlane.Processes;

public enum ProcessChangeStatus
{
    Applied,
    AppNotFound,
    ProcessNotFound,
    NameTaken,

    /// <summary>The app already has a web process (at most one takes its hostnames).</summary>
    SecondWeb,

    /// <summary>A process only the Procfile declares cannot be deleted (it would come back): scale it to 0.</summary>
    DeclaredByProcfile,

    /// <summary>A scale names a process the app does not have.</summary>
    UnknownProcess,

    /// <summary>More processes than <see cref="ProcessLimits.MaxProcesses"/>.</summary>
    TooMany,
}

/// <param name="Message">For <see cref="ProcessChangeStatus.UnknownProcess"/> and the conflicts: what is wrong, in words.</param>
public sealed record ProcessChangeResult(ProcessChangeStatus Status, long Generation = 0, ReleaseRow? Release = null, string? Message = null);

/// <summary>
/// Reads and writes an app's processes (desired state), under a lock on the app's row. A definition change (create,
/// replace, delete) makes a new release of the same image (built once, never again), like an env change; a scale only
/// changes the replica counts and the generation.
/// </summary>
public sealed class ProcessesStore(NpgsqlDataSource db, TimeProvider time)
{
    private const string SelectProcess =
        "SELECT name, kind, command, replicas, memory_mb, cpus, pids_limit, liveness_command, update_order FROM app_processes";

    /// <summary>Null when the app is unknown.</summary>
    public async Task<ProcessesRows?> ReadAsync(Guid appId, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var app = await connection.QuerySingleOrDefaultAsync<(int MemoryMb, double Cpus, int PidsLimit)?>(new CommandDefinition(
            "SELECT memory_mb, cpus, pids_limit FROM apps WHERE id = @appId", new { appId }, cancellationToken: ct));
        if (app is not { } limits)
            return null;
        var processes = await connection.QueryAsync<ProcessRow>(new CommandDefinition(SelectProcess + " WHERE app_id = @appId ORDER BY name", new { appId }, cancellationToken: ct));
        var procfile = await ProcfileAsync(connection, null, appId, ct);
        var replicas = await connection.QueryAsync<ReplicaRow>(new CommandDefinition(
            """
            SELECT process, replica, status, container_id, release_id, crash_count, restart_count, last_exit_code, last_reason, restart_not_before, updated_at
            FROM process_replicas WHERE app_id = @appId ORDER BY process, replica
            """, new { appId }, cancellationToken: ct));
        return new ProcessesRows(processes.AsList(), procfile, new Contracts.Api.AppLimitsResponse(limits.MemoryMb, limits.Cpus, limits.PidsLimit), replicas.AsList());
    }

    public Task<ProcessChangeResult> CreateAsync(Guid appId, ProcessInput process, CancellationToken ct) =>
        ChangeAsync(appId, async (connection, tx, existing, now) =>
        {
            if (existing.Any(p => p.Name == process.Name))
                return new ProcessChangeResult(ProcessChangeStatus.NameTaken, Message: $"The app already has a process named '{process.Name}': change it with PUT .../processes/{process.Name}.");
            if (process.Kind == ProcessKinds.Web && existing.FirstOrDefault(p => p.Kind == ProcessKinds.Web) is { } web)
                return SecondWeb(web.Name);
            if (existing.Count >= ProcessLimits.MaxProcesses)
                return new ProcessChangeResult(ProcessChangeStatus.TooMany, Message: $"An app has at most {ProcessLimits.MaxProcesses} processes.");
            await ProcessSnapshots.InsertAsync(connection, tx, appId, process, now);
            return null;
        }, newRelease: true, ct);

    public Task<ProcessChangeResult> ReplaceAsync(Guid appId, ProcessInput process, CancellationToken ct) =>
        ChangeAsync(appId, async (connection, tx, existing, now) =>
        {
            if (existing.All(p => p.Name != process.Name))
                return new ProcessChangeResult(ProcessChangeStatus.ProcessNotFound);
            if (process.Kind == ProcessKinds.Web && existing.FirstOrDefault(p => p.Kind == ProcessKinds.Web && p.Name != process.Name) is { } web)
                return SecondWeb(web.Name);
            await connection.ExecuteAsync(
                """
                UPDATE app_processes SET kind = @Kind, command = @Command, replicas = @Replicas, memory_mb = @MemoryMb, cpus = @Cpus, pids_limit = @Pids,
                                         liveness_command = @LivenessCommand, update_order = @UpdateOrder, updated_at = @now
                WHERE app_id = @appId AND name = @Name
                """,
                new { appId, process.Name, process.Kind, process.Command, process.Replicas, process.MemoryMb, process.Cpus, process.Pids, process.LivenessCommand, process.UpdateOrder, now },
                tx);
            return null;
        }, newRelease: true, ct);

    public Task<ProcessChangeResult> DeleteAsync(Guid appId, string name, CancellationToken ct) =>
        ChangeAsync(appId, async (connection, tx, existing, _) =>
        {
            var procfile = Procfile.FromJson(await ProcfileAsync(connection, tx, appId, ct));
            if (existing.All(p => p.Name != name))
            {
                return procfile?.Processes.ContainsKey(name) == true
                    ? new ProcessChangeResult(ProcessChangeStatus.DeclaredByProcfile, Message: ProcfileDeclares(name))
                    : new ProcessChangeResult(ProcessChangeStatus.ProcessNotFound);
            }

            if (procfile?.Processes.ContainsKey(name) == true)
                return new ProcessChangeResult(ProcessChangeStatus.DeclaredByProcfile, Message: ProcfileDeclares(name));
            await connection.ExecuteAsync("DELETE FROM app_processes WHERE app_id = @appId AND name = @name", new { appId, name }, tx);
            return null;
        }, newRelease: true, ct);

    /// <summary>
    /// Sets replica counts; a process only the Procfile declares gets a row of its own (its kind as the formation gives it).
    /// Not a new release: the running release's processes grow or shrink.
    /// </summary>
    public Task<ProcessChangeResult> ScaleAsync(Guid appId, IReadOnlyDictionary<string, int> counts, CancellationToken ct) =>
        ChangeAsync(appId, async (connection, tx, existing, now) =>
        {
            var declared = Procfile.FromJson(await ProcfileAsync(connection, tx, appId, ct))?.Processes ?? new Dictionary<string, string>();
            var unknown = counts.Keys.Where(n => existing.All(p => p.Name != n) && !declared.ContainsKey(n)).Order(StringComparer.Ordinal).ToList();
            if (unknown.Count > 0)
            {
                var known = existing.Select(p => p.Name).Concat(declared.Keys).Distinct().Order(StringComparer.Ordinal).ToList();
                return new ProcessChangeResult(ProcessChangeStatus.UnknownProcess,
                    Message: $"The app has no process {string.Join(", ", unknown.Select(n => $"'{n}'"))}; it has {(known.Count == 0 ? "none" : string.Join(", ", known))}. Create one with POST /api/apps/{{id}}/processes.");
            }

            foreach (var (name, replicas) in counts)
            {
                if (existing.All(p => p.Name != name))
                {
                    var kind = ProcessFormation.Resolve(existing.Select(p => p.ToDefinition()).ToList(), new Procfile(declared), null).Single(p => p.Name == name).Kind;
                    await ProcessSnapshots.InsertAsync(connection, tx, appId, new ProcessInput(name, kind, null, replicas, null, null, null, null, UpdateOrders.StartFirst), now);
                }
                else
                {
                    await connection.ExecuteAsync("UPDATE app_processes SET replicas = @replicas, updated_at = @now WHERE app_id = @appId AND name = @name",
                        new { appId, name, replicas, now }, tx);
                }
            }

            return null;
        }, newRelease: false, ct);

    /// <summary>Runs <paramref name="change"/> under the app's row lock; it returns a result to stop (a conflict), null to go on.</summary>
    private async Task<ProcessChangeResult> ChangeAsync(Guid appId,
        Func<NpgsqlConnection, NpgsqlTransaction, IReadOnlyList<ProcessRow>, DateTimeOffset, Task<ProcessChangeResult?>> change, bool newRelease, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        if (await connection.QuerySingleOrDefaultAsync<int?>("SELECT 1 FROM apps WHERE id = @appId FOR UPDATE", new { appId }, tx) is null)
            return new ProcessChangeResult(ProcessChangeStatus.AppNotFound);
        var existing = (await connection.QueryAsync<ProcessRow>(SelectProcess + " WHERE app_id = @appId", new { appId }, tx)).AsList();
        var now = time.GetUtcNow();
        try
        {
            if (await change(connection, tx, existing, now) is { } stopped)
                return stopped;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation && e.ConstraintName == "app_processes_one_web")
        {
            return SecondWeb("another");
        }

        // A definition change rolls out as a new release of the same image (none before the first deploy); a scale does not.
        var release = newRelease ? await ReleaseSnapshots.InsertFromDesiredAsync(connection, tx, appId, ReleaseReasons.Processes, now) : null;
        var generation = release?.Generation ?? await DesiredStateChanges.BumpAsync(connection, tx, appId);
        if (generation is null)
            return new ProcessChangeResult(ProcessChangeStatus.AppNotFound);
        await tx.CommitAsync(ct);
        return new ProcessChangeResult(ProcessChangeStatus.Applied, generation.Value, release?.Release);
    }

    /// <summary>The Procfile of the release on its way, else of the one that serves (null: none recorded yet).</summary>
    private static Task<string?> ProcfileAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, Guid appId, CancellationToken ct) =>
        connection.QuerySingleOrDefaultAsync<string?>(new CommandDefinition(
            """
            SELECT r.procfile::text FROM apps a JOIN releases r ON r.id IN (a.desired_release_id, a.current_release_id)
            WHERE a.id = @appId AND r.procfile IS NOT NULL
            ORDER BY (r.id = a.desired_release_id AND r.status <> 'failed') DESC LIMIT 1
            """, new { appId }, tx, cancellationToken: ct));

    private static ProcessChangeResult SecondWeb(string existing) => new(ProcessChangeStatus.SecondWeb,
        Message: $"The app already has a web process ('{existing}'): at most one takes the app's hostnames. Make this one a worker, or change '{existing}'.");

    private static string ProcfileDeclares(string name) =>
        $"The Procfile declares '{name}', so it would come back with the next release: scale it to 0 instead (POST /api/apps/{{id}}/scale {{\"{name}\": 0}}), or remove it from the Procfile.";
}
