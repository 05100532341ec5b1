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
    ThisAppsGeneratedHostname,
}

public sealed class DomainsStore(NpgsqlDataSource db, TimeProvider time)
{
    private const string SelectDomain = "SELECT id, app_id, hostname, verified_at, proxy_target, created_at FROM domains";

    /// <summary>
    /// Adds the domain unless another claim holds the hostname: the insert's own claim (a trigger) decides, so two
    /// requests racing for one hostname cannot both win, whichever of an app's creation or a domain add they are.
    /// </summary>
    public async Task<(AddDomainOutcome Outcome, DomainRow? Domain)> AddAsync(Guid appId, string hostname, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var (outcome, row) = await TryInsertAsync(connection, appId, hostname, ct);
        if (outcome != AddDomainOutcome.TakenByAnotherApp)
            return (outcome, row);

        // Lost to a claim: say whose, as far as the caller may know (its own domain or generated hostname, or another app's).
        var holder = await HostnameClaims.HolderAsync(connection, hostname, ct);
        if (holder?.AppId != appId)
            return (AddDomainOutcome.TakenByAnotherApp, null);
        if (holder.Kind == HostnameClaims.Generated)
            return (AddDomainOutcome.ThisAppsGeneratedHostname, null);
        var existing = await connection.QuerySingleOrDefaultAsync<DomainRow>(
            new CommandDefinition(SelectDomain + " WHERE hostname = @hostname AND app_id = @appId", new { hostname, appId }, cancellationToken: ct));
        return existing is null ? (AddDomainOutcome.TakenByAnotherApp, null) : (AddDomainOutcome.AlreadyThisApps, existing);
    }

    public async Task<IReadOnlyList<DomainRow>> ListAsync(Guid appId, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var rows = await connection.QueryAsync<DomainRow>(new CommandDefinition(SelectDomain + " WHERE app_id = @appId ORDER BY hostname", new { appId }, cancellationToken: ct));
        return rows.AsList();
    }

    private async Task<(AddDomainOutcome Outcome, DomainRow? Domain)> TryInsertAsync(NpgsqlConnection connection, Guid appId, string hostname, CancellationToken ct)
    {
        await using var tx = await connection.BeginTransactionAsync(ct);
        var target = await connection.QuerySingleOrDefaultAsync<string>(
            "SELECT generated_hostname FROM apps WHERE id = @appId FOR UPDATE", new { appId }, tx);
        if (target is null)
            return (AddDomainOutcome.AppNotFound, null);

        var row = new DomainRow { Id = Guid.CreateVersion7(), AppId = appId, Hostname = hostname, ProxyTarget = target, CreatedAt = time.GetUtcNow().UtcDateTime };
        try
        {
            await connection.ExecuteAsync(
                "INSERT INTO domains (id, app_id, hostname, proxy_target, created_at) VALUES (@Id, @AppId, @Hostname, @ProxyTarget, @CreatedAt)", row, tx);
        }
        catch (PostgresException e) when (HostnameClaims.IsTaken(e))
        {
            return (AddDomainOutcome.TakenByAnotherApp, null);
        }

        await DesiredStateChanges.BumpAsync(connection, tx, appId);
        await tx.CommitAsync(ct);
        return (AddDomainOutcome.Added, row);
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
