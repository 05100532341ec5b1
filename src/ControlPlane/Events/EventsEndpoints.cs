using Microsoft.AspNetCore.Http.HttpResults;
using PersonalCloud.Contracts.Api;
using PersonalCloud.ControlPlane.Apps;
using PersonalCloud.ControlPlane.Problems;
using PersonalCloud.ControlPlane.Releases;

namespace PersonalCloud.ControlPlane.Events;

public static class EventsEndpoints
{
    private const int DefaultLimit = 100;
    private const int MaxLimit = 1_000;

    public static RouteGroupBuilder MapEvents(this RouteGroupBuilder api)
    {
        api.MapGet("/apps/{id:guid}/events", List).WithTags("Events").WithName("listEvents")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return api;
    }

    /// <summary>Read the reconciler's journal for an app</summary>
    /// <remarks>Newest first: each action, why it was taken, the outcome and the duration.</remarks>
    internal static async Task<Results<Ok<IReadOnlyList<AppEventResponse>>, ValidationProblem, ProblemHttpResult>> List(
        Guid id, int? limit, long? before, AppsStore apps, EventsStore events, CancellationToken ct)
    {
        if (limit is < 1 or > MaxLimit)
            return ProblemTypes.Validation("limit", $"limit is between 1 and {MaxLimit}.");
        if (await apps.GetAsync(id, ct) is null)
            return ProblemTypes.NotFound("The app");
        IReadOnlyList<AppEventResponse> list = (await events.ListAsync(id, limit ?? DefaultLimit, before, ct))
            .Select(e => new AppEventResponse(e.Id, e.ReleaseId, e.Generation, e.Action, e.Reason, e.Outcome, e.Error, e.DurationMs, ReleaseRow.Utc(e.At)))
            .ToList();
        return TypedResults.Ok(list);
    }
}
