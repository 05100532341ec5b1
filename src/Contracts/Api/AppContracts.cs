namespace PersonalCloud.Contracts.Api;

/// <summary>An app to create; only the name is required.</summary>
/// <param name="Template">Create it from this template (GET /api/templates): its settings, processes, volumes, add-ons and env; fields given here win over the template's.</param>
public sealed record CreateAppRequest(
    string? Name,
    string? Image = null,
    int? Port = null,
    AppLimits? Limits = null,
    string? SecurityProfile = null,
    HealthCheckSettings? HealthCheck = null,
    RolloutSettings? Rollout = null,
    bool? RunAsRoot = null,
    IReadOnlyList<ProcessRequest>? Processes = null,
    string? Template = null);

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
    bool RunAsRoot = false,
    FailedReleaseResponse? LastFailedRelease = null,
    ReleaseResponse? DeployingRelease = null,
    HealthCheckSettings? HealthCheck = null,
    RolloutSettings? Rollout = null,
    IReadOnlyList<JobAttentionResponse>? JobAlerts = null);

/// <summary>
/// A change of an app's settings (JSON merge patch: a field left out keeps its value). Validated as at creation; a
/// deployed app rolls the change out as a new release of the same image and env, with zero downtime. Unknown fields are
/// refused, so a setting that can only be chosen at creation (runAsRoot) is never silently ignored.
/// </summary>
[System.Text.Json.Serialization.JsonUnmappedMemberHandling(System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow)]
public sealed record UpdateAppRequest(
    int? Port = null,
    AppLimits? Limits = null,
    string? SecurityProfile = null,
    HealthCheckSettings? HealthCheck = null,
    RolloutSettings? Rollout = null);

/// <summary>
/// The newest release that failed after the serving one was made (null once a later release went live): what it was,
/// why it failed in words (<see cref="ReleaseResponse.FailureReason"/>, <see cref="ReleaseResponse.FailedStage"/>) and the
/// last lines it printed (its containers' output, or its build log's for a failed build), oldest first.
/// </summary>
public sealed record FailedReleaseResponse(ReleaseResponse Release, IReadOnlyList<string> LastLines);

public sealed record AppLimitsResponse(int MemoryMb, double Cpus, int Pids);

/// <summary>Deploy an image reference, or build from a git repository (a tar.gz build context is sent as the raw body instead).</summary>
public sealed record DeployRequest(string? Image = null, GitSource? Git = null);

public sealed record GitSource(string? Url, string? Ref = null);

/// <summary>Roll back to <see cref="ReleaseId"/>, or by default to the newest successful release before the current one.</summary>
public sealed record RollbackRequest(Guid? ReleaseId = null);

/// <summary>
/// One release: <see cref="Image"/> is the image reference it runs (for a source build, the tag it was built as),
/// <see cref="ImageDigest"/> the engine's image id once known; git builds name their URL (credentials masked), ref and
/// commit. <see cref="Stage"/> is where it stands: the last stage reached, or <c>failed</c> / <c>cancelled</c>.
/// <see cref="Processes"/> names the processes it runs; <see cref="ReleaseCommand"/> the command it runs once before them.
/// </summary>
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
    DateTimeOffset? FailedAt = null,
    string? GitUrl = null,
    string? GitRef = null,
    string? GitCommit = null,
    string Stage = "queued",
    string? FailedStage = null,
    IReadOnlyList<ReleaseStageResponse>? Stages = null,
    IReadOnlyList<string>? Processes = null,
    string? ReleaseCommand = null);

/// <summary>A stage a release reached (<c>queued</c>, <c>building</c>, <c>starting</c>, <c>health-checking</c>, <c>switching</c>, <c>draining</c>, <c>live</c>) and when it began.</summary>
public sealed record ReleaseStageResponse(string Name, DateTimeOffset At);

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
