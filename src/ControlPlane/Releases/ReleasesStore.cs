using Dapper;
using Npgsql;
using PersonalCloud.Contracts.Apps;
using PersonalCloud.ControlPlane.Database;

namespace PersonalCloud.ControlPlane.Releases;

/// <summary>Creates releases (the desired image of an app) and lists their history.</summary>
public sealed class ReleasesStore(NpgsqlDataSource db, TimeProvider time)
{
    internal const string SelectRelease =
        "SELECT id, app_id, image, image_digest, port, status, failure_reason, created_at, deployed_at, rolled_back_at FROM releases";

    /// <summary>Records a new release and makes it the app's desired one. Null when the app is unknown.</summary>
    public async Task<(ReleaseRow Release, long Generation)?> CreateAsync(Guid appId, string image, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var found = await connection.QuerySingleOrDefaultAsync<AppPort>(
            "SELECT id, port FROM apps WHERE id = @appId FOR UPDATE", new { appId }, tx);
        if (found is null)
            return null;

        var release = new ReleaseRow
        {
            Id = Guid.CreateVersion7(),
            AppId = appId,
            Image = image,
            Port = found.Port,
            Status = ReleaseStatus.Pending,
            CreatedAt = time.GetUtcNow().UtcDateTime,
        };
        await connection.ExecuteAsync(
            "INSERT INTO releases (id, app_id, image, port, status, created_at) VALUES (@Id, @AppId, @Image, @Port, @Status, @CreatedAt)",
            release, tx);
        await connection.ExecuteAsync(
            "UPDATE apps SET image = @image, desired_release_id = @id WHERE id = @appId",
            new { image, id = release.Id, appId }, tx);
        var generation = await DesiredStateChanges.BumpAsync(connection, tx, appId);
        await tx.CommitAsync(ct);
        return (release, generation!.Value);
    }

    public async Task<IReadOnlyList<ReleaseRow>> ListAsync(Guid appId, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var rows = await connection.QueryAsync<ReleaseRow>(new CommandDefinition(
            SelectRelease + " WHERE app_id = @appId ORDER BY created_at DESC LIMIT 100", new { appId }, cancellationToken: ct));
        return rows.AsList();
    }

    private sealed record AppPort
    {
        public Guid Id { get; init; }
        public int? Port { get; init; }
    }
}
