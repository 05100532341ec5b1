namespace PersonalCloud.Contracts.Api;

/// <summary>POST /api/apps/{id}/addons: <c>{"kind": "postgres", "version": "15"}</c> (version optional).</summary>
public sealed record CreateAddonRequest(string? Kind, string? Version = null);

/// <summary>
/// An add-on as the API shows it: desired facts and the reconciler's observed state (pending, starting, ready, failed).
/// The connection string has its password masked; GET .../connection?reveal=true shows it (audited).
/// </summary>
public sealed record AddonResponse(
    Guid Id,
    string Kind,
    string Version,
    string State,
    string? Message,
    string Host,
    int Port,
    string Database,
    string User,
    string ConnectionString,
    string EnvKey,
    bool EnvOverridden,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ReadyAt);

/// <summary>The add-on's connection string with its password: returned only on an explicit, audited reveal.</summary>
public sealed record AddonConnectionResponse(string Kind, string ConnectionString);
