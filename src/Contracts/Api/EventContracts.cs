namespace PersonalCloud.Contracts.Api;

/// <summary>One entry of an app's event journal: what the reconciler did, why, how it went and how long it took.</summary>
public sealed record AppEventResponse(
    long Id,
    Guid? ReleaseId,
    long? Generation,
    string Action,
    string Reason,
    string Outcome,
    string? Error,
    int DurationMs,
    DateTimeOffset At);
