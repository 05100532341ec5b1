namespace PersonalCloud.Contracts.Api;

public sealed record CreateAppRequest(
    string? Name,
    string? Image = null,
    int? Port = null,
    AppLimits? Limits = null,
    string? SecurityProfile = null,
    HealthCheckSettings? HealthCheck = null,
    RolloutSettings? Rollout = null,
    bool? RunAsRoot = null);

public sealed record AppLimits(int? MemoryMb = null, double? Cpus = null, int? Pids = null);

/// <param name="Path">Probed from the host on the container's own address; the caller never chooses the host.</param>
/// <param name="HealthyThreshold">Consecutive passes before a new container receives traffic.</param>
/// <param name="UnhealthyThreshold">Consecutive failures of a serving container before it is replaced by a rolling restart.</param>
/// <param name="DeployDeadlineSeconds">How long a new container has to become healthy before its release fails.</param>
public sealed record HealthCheckSettings(
    string? Path = null,
    int? IntervalSeconds = null,
    int? TimeoutSeconds = null,
    int? HealthyThreshold = null,
    int? UnhealthyThreshold = null,
    int? DeployDeadlineSeconds = null);

/// <param name="DrainSeconds">How long an old container keeps running after traffic left it, before SIGTERM.</param>
/// <param name="StopTimeoutSeconds">Time between SIGTERM and SIGKILL.</param>
public sealed record RolloutSettings(int? DrainSeconds = null, int? StopTimeoutSeconds = null);

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
    DateTimeOffset CreatedAt,
    int CrashCount = 0,
    int? LastExitCode = null,
    bool RunAsRoot = false);

public sealed record AppLimitsResponse(int MemoryMb, double Cpus, int Pids);

/// <summary>Deploy an image reference, or build from a git repository (a tar.gz build context is sent as the raw body instead).</summary>
public sealed record DeployRequest(string? Image = null, GitSource? Git = null);

public sealed record GitSource(string? Url, string? Ref = null);

/// <summary>Roll back to <see cref="ReleaseId"/>, or by default to the newest successful release before the current one.</summary>
public sealed record RollbackRequest(Guid? ReleaseId = null);

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
    DateTimeOffset? RolledBackAt,
    string SourceKind = "image",
    string Reason = "deploy",
    Guid? SourceReleaseId = null,
    IReadOnlyList<string>? EnvKeys = null,
    DateTimeOffset? StartedAt = null,
    DateTimeOffset? HealthyAt = null,
    DateTimeOffset? FailedAt = null);

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
