namespace PersonalCloud.Contracts.Api;

/// <summary>One recorded API call. <see cref="Summary"/> names what changed (keys, hostnames, images), never a secret value.</summary>
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
    int DurationMs);
