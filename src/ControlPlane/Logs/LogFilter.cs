using Microsoft.AspNetCore.Mvc;
using Microsoft.OpenApi;
using PersonalCloud.ControlPlane.OpenApi;

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
public sealed record LogsQueryParameters(
    [property: FromQuery(Name = "limit")][QueryValue(JsonSchemaType.Integer, Minimum = 1, Maximum = LogQueryParser.MaxLimit, Description = "How many lines (default 100).")] string? Limit,
    [property: FromQuery(Name = "since")][QueryValue(JsonSchemaType.String, Format = "date-time", Description = "Lines at or after this time (RFC 3339).")] string? Since,
    [property: FromQuery(Name = "until")][QueryValue(JsonSchemaType.String, Format = "date-time", Description = "Lines before this time (RFC 3339).")] string? Until,
    [property: FromQuery(Name = "stream")][QueryValue(JsonSchemaType.String, Values = ["stdout", "stderr"])] string? Stream,
    [property: FromQuery(Name = "release")][QueryValue(JsonSchemaType.String, Format = "uuid", Description = "Only this release's lines.")] string? Release,
    [property: FromQuery(Name = "q")][QueryValue(JsonSchemaType.String, Description = "Case-insensitive substring, 3+ characters.")] string? Q,
    [property: FromQuery(Name = "before")][QueryValue(JsonSchemaType.Integer, Format = "int64", Minimum = 1, Description = "The next (older) page: X-Next-Before of the previous one.")] string? Before,
    [property: FromQuery(Name = "run")][QueryValue(JsonSchemaType.String, Format = "uuid", Description = "Only this run's lines (a cron job's or a one-off run's).")] string? Run = null);

/// <summary>Query-string parameters of GET /api/apps/{id}/logs/stream.</summary>
public sealed record LogStreamParameters(
    [property: FromQuery(Name = "tail")][QueryValue(JsonSchemaType.Integer, Minimum = 0, Maximum = LogQueryParser.MaxLimit, Description = "How many stored lines first (default 100).")] string? Tail,
    [property: FromQuery(Name = "stream")][QueryValue(JsonSchemaType.String, Values = ["stdout", "stderr"])] string? Stream,
    [property: FromQuery(Name = "release")][QueryValue(JsonSchemaType.String, Format = "uuid")] string? Release,
    [property: FromQuery(Name = "q")][QueryValue(JsonSchemaType.String, Description = "Case-insensitive substring, 3+ characters.")] string? Q);

public sealed record LogPageRequest(LogFilter Filter, int Limit, long? Before);
