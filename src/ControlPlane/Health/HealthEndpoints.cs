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
        api.MapGet("/apps/{id:guid}/health", Get).WithTags("Health").WithName("getAppHealth")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return api;
    }

    /// <summary>
    /// GET /healthz: every component of the platform (Postgres, ControlPlane, route-dns, Reconciler, Caddy) with its
    /// state; 200 when all are up, 503 naming the ones down. GET /healthz/ready: 200 when the API and its database
    /// answer (what start-up scripts wait for). No authentication.
    /// </summary>
    public static IEndpointRouteBuilder MapPlatformHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", Platform).AllowAnonymous().WithTags("Platform").WithName("getPlatformHealth")
            .Produces<PlatformHealth>(StatusCodes.Status200OK).Produces<PlatformHealth>(StatusCodes.Status503ServiceUnavailable);
        app.MapGet("/healthz/ready", Ready).AllowAnonymous().WithTags("Platform").WithName("getPlatformReadiness")
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return app;
    }

    /// <summary>The platform's components and their state</summary>
    /// <remarks>200 when every component is up; 503 with the same body naming the components that are down or starting.</remarks>
    internal static async Task<JsonHttpResult<PlatformHealth>> Platform(HealthStore store, SupervisorStates supervisor, TimeProvider time, CancellationToken ct)
    {
        string? databaseError = null;
        IReadOnlyList<ComponentRow> rows = [];
        var now = time.GetUtcNow();
        try
        {
            (rows, now) = await store.ComponentsAsync(ct);
        }
        catch (Npgsql.NpgsqlException e)
        {
            databaseError = e.Message;
        }

        var health = PlatformHealthReport.Build(databaseError, rows, now, supervisor.Read());
        return TypedResults.Json(health, statusCode: health.Status == PlatformHealthReport.Up
            ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
    }

    /// <summary>Whether the API and its database answer</summary>
    /// <remarks>For start-up scripts: 200 once migrations ran and the database answers, else 503.</remarks>
    internal static async Task<Results<Ok<string>, ProblemHttpResult>> Ready(HealthStore store, CancellationToken ct)
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
    }

    /// <summary>Get an app's health-check history</summary>
    /// <remarks>The newest checks with status, HTTP status and latency.</remarks>
    internal static async Task<Results<Ok<HealthResponse>, ProblemHttpResult>> Get(Guid id, HealthStore store, CancellationToken ct)
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
