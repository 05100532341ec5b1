using Dapper;
using Npgsql;
using PersonalCloud.Contracts.Volumes;

namespace PersonalCloud.Reconciler.Backups;

/// <summary>
/// Which Docker volume an app volume's containers mount: the restore switched in last, else
/// <see cref="VolumeNames.DockerName"/>. The container spec must mount <see cref="ResolveAsync"/>'s answer (and put it in
/// the spec hash, so a switch rolls the containers); the SQL join is <see cref="JoinSql"/> for readers that load all at once.
/// </summary>
public sealed class VolumeSwitches(NpgsqlDataSource db)
{
    /// <summary>Joins onto app_volumes v: <c>COALESCE(sw.docker_volume, ...)</c> is the Docker volume to mount.</summary>
    public const string JoinSql = "LEFT JOIN volume_switches sw ON sw.volume_id = v.id";

    public static string Resolve(Guid volumeId, IReadOnlyDictionary<Guid, string> switches) =>
        switches.TryGetValue(volumeId, out var switched) ? switched : VolumeNames.DockerName(volumeId);

    public async Task<IReadOnlyDictionary<Guid, string>> ResolveAsync(Guid appId, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var rows = await connection.QueryAsync<(Guid VolumeId, string DockerVolume)>(new CommandDefinition(
            $"SELECT v.id, COALESCE(sw.docker_volume, 'pcloud-vol-' || replace(v.id::text, '-', '')) FROM app_volumes v {JoinSql} WHERE v.app_id = @appId",
            new { appId }, cancellationToken: ct));
        return rows.ToDictionary(r => r.VolumeId, r => r.DockerVolume);
    }
}
