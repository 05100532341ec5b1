using Microsoft.AspNetCore.Http.HttpResults;
using PersonalCloud.Contracts.Api;
using PersonalCloud.ControlPlane.Problems;
using PersonalCloud.ControlPlane.Releases;

namespace PersonalCloud.ControlPlane.Health;

public static class HealthEndpoints
{
    private const int HistoryLimit = 100;

    public static RouteGroupBuilder MapHealth(this RouteGroupBuilder api)
    {
        api.MapGet("/apps/{id:guid}/health", Get).WithTags("Health");
        return api;
    }

    /// <summary>GET /healthz: 200 when the API and its database answer, 503 otherwise. No authentication.</summary>
    public static IEndpointRouteBuilder MapPlatformHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", async Task<Results<Ok<string>, ProblemHttpResult>> (HealthStore store, CancellationToken ct) =>
        {
            try
            {
                await store.DatabaseAnswersAsync(ct);
                return TypedResults.Ok("ok");
            }
            catch (Npgsql.NpgsqlException e)
            {
                return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "The database does not answer.", detail: e.Message);
            }
        }).AllowAnonymous().WithTags("Platform");
        return app;
    }

    private static async Task<Results<Ok<HealthResponse>, ProblemHttpResult>> Get(Guid id, HealthStore store, CancellationToken ct)
    {
        var (check, history) = await store.GetAsync(id, HistoryLimit, ct);
        if (check is null)
            return ProblemTypes.NotFound("The app");
        return TypedResults.Ok(new HealthResponse(
            check.Path,
            check.IntervalSeconds,
            check.LastStatus,
            check.LastCheckedAt is { } t ? ReleaseRow.Utc(t) : null,
            history.Select(h => new HealthResultResponse(ReleaseRow.Utc(h.CheckedAt), h.Status, h.HttpStatus, h.LatencyMs, h.Error)).ToList()));
    }
}
