using Dapper;
using Npgsql;

namespace PersonalCloud.ControlPlane.Domains;

/// <summary>
/// Who holds a hostname is the database's answer (table <c>hostname_claims</c>, migration 0015): inserting an app or a
/// domain claims its hostname in the same statement, and a hostname another app holds fails it with a unique violation.
/// </summary>
public static class HostnameClaims
{
    public const string Generated = "generated";
    public const string Domain = "domain";

    /// <summary>The insert lost the hostname to another claim (the claims' key, or the domains' own unique hostname).</summary>
    public static bool IsTaken(PostgresException e) =>
        e.SqlState == PostgresErrorCodes.UniqueViolation && e.ConstraintName is "hostname_claims_pkey" or "domains_hostname_key";

    /// <summary>The app holding <paramref name="hostname"/> and how (generated or domain); null when it is free.</summary>
    public static Task<HostnameClaim?> HolderAsync(NpgsqlConnection connection, string hostname, CancellationToken ct) =>
        connection.QuerySingleOrDefaultAsync<HostnameClaim?>(new CommandDefinition(
            "SELECT app_id, kind FROM hostname_claims WHERE hostname = @hostname", new { hostname }, cancellationToken: ct));
}

public sealed record HostnameClaim
{
    public Guid AppId { get; init; }
    public string Kind { get; init; } = "";
}
