using Dapper;
using Npgsql;

namespace PersonalCloud.Reconciler.Volumes;

/// <summary>Reads every desired volume and writes the reconciler's own <c>volume_status</c> rows (the API only reads them).</summary>
public sealed class VolumeStatusStore(NpgsqlDataSource db, TimeProvider time)
{
    public async Task<IReadOnlyList<DesiredVolume>> ReadDesiredAsync(CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var rows = await connection.QueryAsync<(Guid Id, Guid AppId, string AppName, string Name)>(new CommandDefinition(
            "SELECT v.id, v.app_id, a.name, v.name FROM app_volumes v JOIN apps a ON a.id = v.app_id", cancellationToken: ct));
        return rows.Select(r => new DesiredVolume(r.Id, r.AppId, r.AppName, r.Name)).ToList();
    }

    public async Task<IReadOnlyList<VolumeStatus>> ReadAllAsync(CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(
            "SELECT volume_id, app_id, app_name, name, docker_name, state, reason, usage_bytes, measured_at, warning, prepared_for FROM volume_status",
            cancellationToken: ct));
        return rows.Select(r => r.ToStatus()).ToList();
    }

    public async Task<string?> PreparedForAsync(Guid volumeId, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<string?>(new CommandDefinition(
            "SELECT prepared_for FROM volume_status WHERE volume_id = @volumeId", new { volumeId }, cancellationToken: ct));
    }

    /// <summary>Writes the row as given (<see cref="VolumeStatus.PreparedFor"/> null keeps the stored value).</summary>
    public async Task UpsertAsync(VolumeStatus s, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO volume_status (volume_id, app_id, app_name, name, docker_name, state, reason, usage_bytes, measured_at, warning, prepared_for, updated_at)
            VALUES (@VolumeId, @AppId, @AppName, @Name, @DockerName, @State, @Reason, @UsageBytes, @MeasuredAt, @Warning, @PreparedFor, @now)
            ON CONFLICT (volume_id) DO UPDATE SET app_name = EXCLUDED.app_name, state = EXCLUDED.state, reason = EXCLUDED.reason,
                usage_bytes = COALESCE(EXCLUDED.usage_bytes, volume_status.usage_bytes), measured_at = COALESCE(EXCLUDED.measured_at, volume_status.measured_at),
                warning = EXCLUDED.warning, prepared_for = COALESCE(EXCLUDED.prepared_for, volume_status.prepared_for), updated_at = EXCLUDED.updated_at
            """,
            new { s.VolumeId, s.AppId, s.AppName, s.Name, s.DockerName, s.State, s.Reason, s.UsageBytes, s.MeasuredAt, s.Warning, s.PreparedFor, now = time.GetUtcNow() },
            cancellationToken: ct));
    }

    /// <summary>Records that the volume exists and was made writable for <paramref name="preparedFor"/> ("&lt;image id&gt; &lt;user&gt;"); the rest of its row stays.</summary>
    public async Task MarkPreparedAsync(VolumeMount mount, Guid appId, string appName, string preparedFor, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO volume_status (volume_id, app_id, app_name, name, docker_name, state, prepared_for, updated_at)
            VALUES (@VolumeId, @appId, @appName, @Name, @DockerName, 'ready', @preparedFor, @now)
            ON CONFLICT (volume_id) DO UPDATE SET state = 'ready', reason = NULL, prepared_for = EXCLUDED.prepared_for, updated_at = EXCLUDED.updated_at
            """,
            new { mount.VolumeId, appId, appName, mount.Name, mount.DockerName, preparedFor, now = time.GetUtcNow() }, cancellationToken: ct));
    }

    /// <summary>Whether the app still exists (events are journaled on existing apps only).</summary>
    public async Task<bool> AppExistsAsync(Guid appId, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<int?>(new CommandDefinition("SELECT 1 FROM apps WHERE id = @appId", new { appId }, cancellationToken: ct)) is not null;
    }

    private sealed record Row
    {
        public Guid VolumeId { get; init; }
        public Guid AppId { get; init; }
        public string AppName { get; init; } = "";
        public string Name { get; init; } = "";
        public string DockerName { get; init; } = "";
        public string State { get; init; } = "";
        public string? Reason { get; init; }
        public long? UsageBytes { get; init; }
        public DateTime? MeasuredAt { get; init; }
        public string? Warning { get; init; }
        public string? PreparedFor { get; init; }

        public VolumeStatus ToStatus() => new(VolumeId, AppId, AppName, Name, DockerName, State, Reason, UsageBytes,
            MeasuredAt is { } t ? new DateTimeOffset(DateTime.SpecifyKind(t, DateTimeKind.Utc)) : null, Warning, PreparedFor);
    }
}
