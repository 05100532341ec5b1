namespace PersonalCloud.Contracts.Api;

public sealed record CreateAppRequest(
    string? Name,
    string? Image = null,
    int? Port = null,
    AppLimits? Limits = null,
    string? SecurityProfile = null,
    HealthCheckSettings? HealthCheck = null);

public sealed record AppLimits(int? MemoryMb = null, double? Cpus = null, int? Pids = null);

public sealed record HealthCheckSettings(string? Path = null, int? IntervalSeconds = null);

public sealed record AppResponse(
    Guid Id,
    string Name,
    string? Image,
    int? Port,
    string Status,
    string GeneratedHostname,
    string Url,
    IReadOnlyList<string> Domains,
    ReleaseResponse? CurrentRelease,
    DateTimeOffset? LastDeployedAt,
    int RestartCount,
    long Generation,
    long ObservedGeneration,
    string? LastError,
    AppLimitsResponse Limits,
    string SecurityProfile,
    DateTimeOffset CreatedAt);

public sealed record AppLimitsResponse(int MemoryMb, double Cpus, int Pids);

public sealed record DeployRequest(string? Image);

public sealed record ReleaseResponse(
    Guid Id,
    Guid AppId,
    string Image,
    string? ImageDigest,
    int? Port,
    string Status,
    string? FailureReason,
    DateTimeOffset CreatedAt,
    DateTimeOffset? DeployedAt,
    DateTimeOffset? RolledBackAt);

/// <summary>Returned with 202: the change is accepted, the reconciler converges later; poll <see cref="StatusUrl"/>.</summary>
public sealed record AcceptedResponse(Guid AppId, long Generation, string StatusUrl, ReleaseResponse? Release = null);

public sealed record SetEnvRequest(IReadOnlyDictionary<string, string?>? Vars);

public sealed record EnvVarResponse(string Key, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

public sealed record EnvValueResponse(string Key, string Value);

public sealed record AddDomainRequest(string? Hostname);

public sealed record DomainResponse(Guid Id, Guid AppId, string Hostname, DateTimeOffset? VerifiedAt, string? ProxyTarget, DateTimeOffset CreatedAt);

public sealed record LogLineResponse(long Id, Guid? ReleaseId, string Stream, string Message, DateTimeOffset Timestamp);

public sealed record HealthResponse(
    string Path,
    int IntervalSeconds,
    string? LastStatus,
    DateTimeOffset? LastCheckedAt,
    IReadOnlyList<HealthResultResponse> History);

public sealed record HealthResultResponse(DateTimeOffset CheckedAt, string Status, int? HttpStatus, int LatencyMs, string? Error);
