using Dapper;
using Npgsql;

namespace PersonalCloud.ControlPlane.Domains;

/// <summary>Whether a hostname belongs to an app: its generated hostname or one of its custom domains.</summary>
public sealed class ServedHostnames(NpgsqlDataSource db)
{
    public async Task<bool> ContainsAsync(string hostname, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await HostnameClaims.HolderAsync(connection, hostname, ct) is not null;
    }
}
