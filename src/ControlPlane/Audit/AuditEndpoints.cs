using Microsoft.AspNetCore.Http.HttpResults;
using PersonalCloud.Contracts.Api;
using PersonalCloud.ControlPlane.Paging;
using PersonalCloud.ControlPlane.Problems;

namespace PersonalCloud.ControlPlane.Audit;

/// <summary>Query-string parameters of GET /api/audit, as sent.</summary>
public sealed record AuditQueryParameters(string? App, string? Since, string? Until, string? Method, string? Status, string? Limit, string? Before);

public static class AuditEndpoints
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;
    public static readonly IReadOnlyList<string> Methods = ["POST", "PUT", "PATCH", "DELETE", "GET"];

    public static RouteGroupBuilder MapAudit(this RouteGroupBuilder api)
    {
        api.MapGet("/audit", List).WithTags("Audit")
            .WithDescription("Newest first, as a JSON array. The next (older) page: the Link rel=\"next\" or X-Next-Before header.");
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

    private static async Task<Results<Ok<IReadOnlyList<AuditEntryResponse>>, ValidationProblem>> List(
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
