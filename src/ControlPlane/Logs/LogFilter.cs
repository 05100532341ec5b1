namespace PersonalCloud.ControlPlane.Logs;

/// <summary>Which lines of an app a reader wants. <see cref="Until"/> is exclusive, <see cref="Since"/> inclusive. A run's lines are its
/// container's: <see cref="RunId"/> as asked, <see cref="ContainerId"/> once looked up.</summary>
public sealed record LogFilter(
    string? Stream = null,
    Guid? ReleaseId = null,
    string? Text = null,
    DateTimeOffset? Since = null,
    DateTimeOffset? Until = null,
    Guid? RunId = null,
    string? ContainerId = null)
{
    public static readonly IReadOnlyList<string> Streams = ["stdout", "stderr"];
}

/// <summary>Query-string parameters of GET /api/apps/{id}/logs, as sent (parsed by <see cref="LogQueryParser"/>).</summary>
public sealed record LogsQueryParameters(string? Limit, string? Since, string? Until, string? Stream, string? Release, string? Q, string? Before, string? Run = null);

/// <summary>Query-string parameters of GET /api/apps/{id}/logs/stream.</summary>
public sealed record LogStreamParameters(string? Tail, string? Stream, string? Release, string? Q);

public sealed record LogPageRequest(LogFilter Filter, int Limit, long? Before);
