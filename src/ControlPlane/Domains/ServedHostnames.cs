using Dapper;
using Npgsql;

namespace PersonalCloud.ControlPlane.Domains;

/// <summary>Whether a hostname belongs to an app: its generated hostname or one of its custom domains.</summary>
public sealed class ServedHostnames(NpgsqlDataSource db)
{
    public async Task<bool> ContainsAsync(string hostname, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            "SELECT EXISTS (SELECT 1 FROM apps WHERE generated_hostname = @hostname UNION ALL SELECT 1 FROM domains WHERE hostname = @hostname)",
            new { hostname },
            cancellationToken: ct));
    }
}
