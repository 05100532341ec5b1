namespace PersonalCloud.Contracts.Api;

/// <summary>
/// One recorded API call, or (<see cref="Count"/> &gt; 1) several rejected calls without a token or session from one
/// address to one route with one status, from <see cref="At"/> to <see cref="LastAt"/>. <see cref="Summary"/> names
/// what changed (keys, hostnames, images), never a secret value. A call that made a release (202: accepted, converging
/// later) names it and how it has gone so far (<see cref="ReleaseStatus"/>).
/// </summary>
public sealed record AuditEntryResponse(
    long Id,
    DateTimeOffset At,
    string Actor,
    string Method,
    string Route,
    string Path,
    Guid? AppId,
    int StatusCode,
    string? Summary,
    string? RemoteIp,
    int DurationMs,
    Guid? ReleaseId = null,
    string? ReleaseStatus = null,
    int Count = 1,
    DateTimeOffset? LastAt = null);
