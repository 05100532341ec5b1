using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.OpenApi;
using PersonalCloud.ControlPlane.OpenApi;
using PersonalCloud.Contracts.Api;
using PersonalCloud.ControlPlane.Paging;
using PersonalCloud.ControlPlane.Problems;

namespace PersonalCloud.ControlPlane.Audit;

/// <summary>Query-string parameters of GET /api/audit, as sent.</summary>
public sealed record AuditQueryParameters(
    [property: FromQuery(Name = "app")][QueryValue(JsonSchemaType.String, Format = "uuid")] string? App,
    [property: FromQuery(Name = "since")][QueryValue(JsonSchemaType.String, Format = "date-time")] string? Since,
    [property: FromQuery(Name = "until")][QueryValue(JsonSchemaType.String, Format = "date-time")] string? Until,
    [property: FromQuery(Name = "method")][QueryValue(JsonSchemaType.String, Values = ["POST", "PUT", "PATCH", "DELETE", "GET"])] string? Method,
    [property: FromQuery(Name = "status")][QueryValue(JsonSchemaType.Integer, Minimum = 100, Maximum = 599)] string? Status,
    [property: FromQuery(Name = "limit")][QueryValue(JsonSchemaType.Integer, Minimum = 1, Maximum = AuditEndpoints.MaxLimit)] string? Limit,
    [property: FromQuery(Name = "before")][QueryValue(JsonSchemaType.Integer, Format = "int64", Minimum = 1)] string? Before);

public static class AuditEndpoints
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;
    public static readonly IReadOnlyList<string> Methods = ["POST", "PUT", "PATCH", "DELETE", "GET"];

    public static RouteGroupBuilder MapAudit(this RouteGroupBuilder api)
    {
        api.MapGet("/audit", List).WithTags("Audit").WithName("listAudit");
        return api;
    }

    public static (AuditFilter? Filter, int Limit, long? Before, ValidationErrors Errors) Parse(AuditQueryParameters p)
    {
        var errors = new ValidationErrors();
        var since = QueryValues.Timestamp(p.Since, "since", errors);
        var until = QueryValues.Timestamp(p.Until, "until", errors);
        QueryValues.Window(since, until, errors);
        var filter = new AuditFilter(
            QueryValues.Id(p.App, "app", errors),
            since,
            until,
            QueryValues.OneOf(p.Method, Methods, "method", errors),
            QueryValues.Int(p.Status, 100, 599, "status", errors));
        var limit = QueryValues.Int(p.Limit, 1, MaxLimit, "limit", errors) ?? DefaultLimit;
        var before = QueryValues.Cursor(p.Before, "before", errors);
        return (errors.Any ? null : filter, limit, before, errors);
    }

    /// <summary>Read the audit log</summary>
    /// <remarks>Every mutating call and every reveal of a secret, newest first, as a JSON array. The next (older) page: the Link rel="next" or X-Next-Before header. Calls without a token or session are counted per address, route and status.</remarks>
    internal static async Task<Results<Ok<IReadOnlyList<AuditEntryResponse>>, ValidationProblem>> List(
        [AsParameters] AuditQueryParameters parameters, HttpContext http, AuditStore store, CancellationToken ct)
    {
        var (filter, limit, before, errors) = Parse(parameters);
        if (filter is null)
            return ProblemTypes.Validation(errors.ToDictionary());
        var (entries, more) = await store.PageAsync(filter, before, limit, ct);
        PageLinks.Apply(http, more ? entries[^1].Id : null);
        return TypedResults.Ok(entries);
    }
}
