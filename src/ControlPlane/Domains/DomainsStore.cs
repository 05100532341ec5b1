using Dapper;
using Npgsql;
using PersonalCloud.ControlPlane.Database;

namespace PersonalCloud.ControlPlane.Domains;

public sealed record DomainRow
{
    public Guid Id { get; init; }
    public Guid AppId { get; init; }
    public string Hostname { get; init; } = "";
    public DateTime? VerifiedAt { get; init; }
    public string? ProxyTarget { get; init; }
    public DateTime CreatedAt { get; init; }
}

public enum AddDomainOutcome
{
    Added,
    AlreadyThisApps,
    AppNotFound,
    TakenByAnotherApp,
}

public sealed class DomainsStore(NpgsqlDataSource db, TimeProvider time)
{
    private const string SelectDomain = "SELECT id, app_id, hostname, verified_at, proxy_target, created_at FROM domains";

    public async Task<(AddDomainOutcome Outcome, DomainRow? Domain)> AddAsync(Guid appId, string hostname, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var target = await connection.QuerySingleOrDefaultAsync<string>(
            "SELECT generated_hostname FROM apps WHERE id = @appId FOR UPDATE", new { appId }, tx);
        if (target is null)
            return (AddDomainOutcome.AppNotFound, null);

        // A hostname is one app's: another app's domain or generated hostname cannot be claimed.
        var holder = await connection.QuerySingleOrDefaultAsync<Guid?>(
            "SELECT app_id FROM domains WHERE hostname = @hostname UNION ALL SELECT id FROM apps WHERE generated_hostname = @hostname LIMIT 1",
            new { hostname }, tx);
        if (holder is { } holderId)
        {
            if (holderId != appId)
                return (AddDomainOutcome.TakenByAnotherApp, null);
            var existing = await connection.QuerySingleOrDefaultAsync<DomainRow>(SelectDomain + " WHERE hostname = @hostname", new { hostname }, tx);
            return (AddDomainOutcome.AlreadyThisApps, existing);
        }

        var row = new DomainRow { Id = Guid.CreateVersion7(), AppId = appId, Hostname = hostname, ProxyTarget = target, CreatedAt = time.GetUtcNow().UtcDateTime };
        await connection.ExecuteAsync(
            "INSERT INTO domains (id, app_id, hostname, proxy_target, created_at) VALUES (@Id, @AppId, @Hostname, @ProxyTarget, @CreatedAt)", row, tx);
        await DesiredStateChanges.BumpAsync(connection, tx, appId);
        await tx.CommitAsync(ct);
        return (AddDomainOutcome.Added, row);
    }

    public async Task<IReadOnlyList<DomainRow>> ListAsync(Guid appId, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var rows = await connection.QueryAsync<DomainRow>(new CommandDefinition(SelectDomain + " WHERE app_id = @appId ORDER BY hostname", new { appId }, cancellationToken: ct));
        return rows.AsList();
    }

    public async Task<bool> RemoveAsync(Guid appId, string hostname, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var removed = await connection.ExecuteAsync("DELETE FROM domains WHERE app_id = @appId AND hostname = @hostname", new { appId, hostname }, tx);
        if (removed == 0)
            return false;
        await DesiredStateChanges.BumpAsync(connection, tx, appId);
        await tx.CommitAsync(ct);
        return true;
    }
}
