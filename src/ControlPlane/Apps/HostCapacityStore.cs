using Dapper;
using Npgsql;
using PersonalCloud.Contracts.Hosting;

namespace PersonalCloud.ControlPlane.Apps;

/// <summary>Reads the host's capacity as the reconciler last published it (table <c>host_capacity</c>); null before its first publish.</summary>
public sealed class HostCapacityStore(NpgsqlDataSource db)
{
    public async Task<HostCapacity?> GetAsync(CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<CapacityRow>(new CommandDefinition(
            "SELECT cpus, memory_bytes FROM host_capacity", cancellationToken: ct));
        return row is null ? null : new HostCapacity(row.Cpus, row.MemoryBytes);
    }

    private sealed record CapacityRow
    {
        public int Cpus { get; init; }
        public long MemoryBytes { get; init; }
    }
}
