using Dapper;
using Npgsql;
using PersonalCloud.Contracts.Api;
using PersonalCloud.Contracts.Apps;
using PersonalCloud.ControlPlane.Database;
using PersonalCloud.ControlPlane.Releases;

namespace PersonalCloud.ControlPlane.Apps;

public enum SettingsChange
{
    AppNotFound,
    Unchanged,
    Applied,
}

/// <param name="Release">The release that rolls the change out (none before the first deploy).</param>
public sealed record SettingsResult(SettingsChange Change, long Generation = 0, ReleaseRow? Release = null);

/// <summary>
/// Changes an app's settings in one transaction under the app row's lock: the desired values, then (once deployed) a new
/// release of the same image and env that snapshots them, so the change rolls out like a deploy. Nothing changes when the
/// patch sets every field to what it already is.
/// </summary>
public sealed class AppSettingsStore(NpgsqlDataSource db, TimeProvider time)
{
    public async Task<SettingsResult> UpdateAsync(Guid appId, UpdateAppRequest patch, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var current = await connection.QuerySingleOrDefaultAsync<StoredSettings>(
            """
            SELECT a.port, a.memory_mb, a.cpus, a.pids_limit, a.security_profile, a.drain_seconds, a.stop_timeout_seconds, a.generation,
                   h.path AS health_path, h.interval_seconds, h.timeout_seconds, h.healthy_threshold, h.unhealthy_threshold, h.deploy_deadline_seconds
            FROM apps a JOIN health_checks h ON h.app_id = a.id WHERE a.id = @appId FOR UPDATE OF a, h
            """,
            new { appId }, tx);
        if (current is null)
            return new SettingsResult(SettingsChange.AppNotFound);

        var next = current.With(patch);
        if (next == current)
            return new SettingsResult(SettingsChange.Unchanged, current.Generation);

        await connection.ExecuteAsync(
            """
            UPDATE apps SET port = @Port, memory_mb = @MemoryMb, cpus = @Cpus, pids_limit = @PidsLimit, security_profile = @SecurityProfile,
                            drain_seconds = @DrainSeconds, stop_timeout_seconds = @StopTimeoutSeconds
            WHERE id = @appId;
            UPDATE health_checks SET path = @HealthPath, interval_seconds = @IntervalSeconds, timeout_seconds = @TimeoutSeconds,
                                     healthy_threshold = @HealthyThreshold, unhealthy_threshold = @UnhealthyThreshold,
                                     deploy_deadline_seconds = @DeployDeadlineSeconds
            WHERE app_id = @appId
            """,
            new
            {
                next.Port, next.MemoryMb, next.Cpus, next.PidsLimit, next.SecurityProfile, next.DrainSeconds, next.StopTimeoutSeconds,
                next.HealthPath, next.IntervalSeconds, next.TimeoutSeconds, next.HealthyThreshold, next.UnhealthyThreshold,
                next.DeployDeadlineSeconds, appId,
            },
            tx);
        var release = await ReleaseSnapshots.InsertFromDesiredAsync(connection, tx, appId, ReleaseReasons.Settings, time.GetUtcNow());
        var generation = release?.Generation ?? await DesiredStateChanges.BumpAsync(connection, tx, appId);
        await tx.CommitAsync(ct);
        return new SettingsResult(SettingsChange.Applied, generation!.Value, release?.Release);
    }

    /// <summary>The settings as stored; a record, so "nothing changed" is plain equality.</summary>
    private sealed record StoredSettings
    {
        public int? Port { get; init; }
        public int MemoryMb { get; init; }
        public double Cpus { get; init; }
        public int PidsLimit { get; init; }
        public string SecurityProfile { get; init; } = "";
        public int DrainSeconds { get; init; }
        public int StopTimeoutSeconds { get; init; }
        public long Generation { get; init; }
        public string HealthPath { get; init; } = "";
        public int IntervalSeconds { get; init; }
        public int TimeoutSeconds { get; init; }
        public int HealthyThreshold { get; init; }
        public int UnhealthyThreshold { get; init; }
        public int DeployDeadlineSeconds { get; init; }

        public StoredSettings With(UpdateAppRequest patch) => this with
        {
            Port = patch.Port ?? Port,
            MemoryMb = patch.Limits?.MemoryMb ?? MemoryMb,
            Cpus = patch.Limits?.Cpus ?? Cpus,
            PidsLimit = patch.Limits?.Pids ?? PidsLimit,
            SecurityProfile = patch.SecurityProfile ?? SecurityProfile,
            DrainSeconds = patch.Rollout?.DrainSeconds ?? DrainSeconds,
            StopTimeoutSeconds = patch.Rollout?.StopTimeoutSeconds ?? StopTimeoutSeconds,
            HealthPath = patch.HealthCheck?.Path ?? HealthPath,
            IntervalSeconds = patch.HealthCheck?.IntervalSeconds ?? IntervalSeconds,
            TimeoutSeconds = patch.HealthCheck?.TimeoutSeconds ?? TimeoutSeconds,
            HealthyThreshold = patch.HealthCheck?.HealthyThreshold ?? HealthyThreshold,
            UnhealthyThreshold = patch.HealthCheck?.UnhealthyThreshold ?? UnhealthyThreshold,
            DeployDeadlineSeconds = patch.HealthCheck?.DeployDeadlineSeconds ?? DeployDeadlineSeconds,
        };
    }
}
