using Microsoft.AspNetCore.Http.HttpResults;
using PersonalCloud.Contracts.Api;
using PersonalCloud.ControlPlane.Apps;
using PersonalCloud.ControlPlane.Problems;
using PersonalCloud.ControlPlane.Releases;

namespace PersonalCloud.ControlPlane.Logs;

public static class LogsEndpoints
{
    private const int DefaultLimit = 100;
    private const int MaxLimit = 10_000;

    public static RouteGroupBuilder MapLogs(this RouteGroupBuilder api)
    {
        api.MapGet("/apps/{id:guid}/logs", Tail).WithTags("Logs");
        return api;
    }

    private static async Task<Results<Ok<IReadOnlyList<LogLineResponse>>, ValidationProblem, ProblemHttpResult>> Tail(
        Guid id, int? limit, AppsStore apps, LogsStore logs, CancellationToken ct)
    {
        if (limit is < 1 or > MaxLimit)
            return ProblemTypes.Validation("limit", $"limit is between 1 and {MaxLimit}.");
        if (await apps.GetAsync(id, ct) is null)
            return ProblemTypes.NotFound("The app");
        IReadOnlyList<LogLineResponse> lines = (await logs.TailAsync(id, limit ?? DefaultLimit, ct))
            .Select(l => new LogLineResponse(l.Id, l.ReleaseId, l.Stream, l.Message, ReleaseRow.Utc(l.Timestamp)))
            .ToList();
        return TypedResults.Ok(lines);
    }
}
