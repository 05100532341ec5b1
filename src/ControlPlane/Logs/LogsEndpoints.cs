using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using PersonalCloud.Contracts.Api;
using PersonalCloud.ControlPlane.Paging;
using PersonalCloud.ControlPlane.Problems;

namespace PersonalCloud.ControlPlane.Logs;

public static class LogsEndpoints
{
    public const int MinRetentionLines = 100;
    public const int MaxRetentionLines = 10_000_000;
    public const int MaxRetentionHours = 8760;

    public static RouteGroupBuilder MapLogs(this RouteGroupBuilder api)
    {
        var logs = api.MapGroup("/apps/{id:guid}").WithTags("Logs");
        logs.MapGet("/logs", Query).WithName("getLogs")
            .ProducesProblem(StatusCodes.Status404NotFound);
        logs.MapGet("/logs/stream", Stream).WithName("streamLogs")
            .Produces<string>(StatusCodes.Status200OK, "text/event-stream").ProducesProblem(StatusCodes.Status404NotFound);
        logs.MapGet("/log-settings", GetSettings).WithName("getLogSettings")
            .ProducesProblem(StatusCodes.Status404NotFound);
        logs.MapPut("/log-settings", PutSettings).WithName("putLogSettings")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return api;
    }

    /// <summary>Read and search an app's stored log lines</summary>
    /// <remarks>Newest lines first selected, returned oldest first, as a JSON array; run keeps one run's lines. The next (older) page: the Link rel="next" or X-Next-Before header.</remarks>
    internal static async Task<Results<Ok<IReadOnlyList<LogLineResponse>>, ValidationProblem, ProblemHttpResult>> Query(
        Guid id, [AsParameters] LogsQueryParameters parameters, HttpContext http, LogsStore logs, Runs.RunsStore runs, CancellationToken ct)
    {
        var (request, errors) = LogQueryParser.Parse(parameters);
        if (request is null)
            return ProblemTypes.Validation(errors.ToDictionary());
        if (!await logs.AppExistsAsync(id, ct))
            return ProblemTypes.NotFound("The app");
        var filter = request.Filter;
        if (filter.RunId is { } runId)
        {
            if (await runs.GetAsync(id, runId, ct) is not { } run)
                return ProblemTypes.NotFound("The run");
            // A run's lines are its container's; one not started yet has none.
            filter = filter with { ContainerId = run.ContainerId ?? "" };
        }

        var (lines, more) = await logs.PageAsync(id, filter, request.Before, request.Limit, ct);
        PageLinks.Apply(http, more ? lines[0].Id : null);
        IReadOnlyList<LogLineResponse> body = lines.Select(l => l.ToResponse()).ToList();
        return TypedResults.Ok(body);
    }

    /// <summary>Follow an app's log lines live (SSE)</summary>
    /// <remarks>Server-Sent Events: the last `tail` lines, then new lines as stored (event `line`, id = line id); honours Last-Event-ID; event `end` when the app is deleted.</remarks>
    internal static async Task<Results<EmptyHttpResult, ValidationProblem, ProblemHttpResult>> Stream(
        Guid id,
        [AsParameters] LogStreamParameters parameters,
        [FromHeader(Name = "Last-Event-ID")] string? lastEventId,
        HttpContext http,
        LogsStore logs,
        LogStreamer streamer)
    {
        var (filter, tail, errors) = LogQueryParser.ParseStream(parameters);
        if (filter is null)
            return ProblemTypes.Validation(errors.ToDictionary());
        if (!await logs.AppExistsAsync(id, http.RequestAborted))
            return ProblemTypes.NotFound("The app");

        await streamer.StreamAsync(http, id, filter, tail, LogQueryParser.ResumeAfter(lastEventId));
        return TypedResults.Empty;
    }

    /// <summary>Get an app's log masking and retention</summary>
    /// <remarks>Whether env values are masked in collected lines, and how many lines and hours are kept (null: the platform default).</remarks>
    internal static async Task<Results<Ok<LogSettingsResponse>, ProblemHttpResult>> GetSettings(Guid id, LogSettingsStore store, CancellationToken ct) =>
        await store.GetAsync(id, ct) is { } settings ? TypedResults.Ok(settings) : ProblemTypes.NotFound("The app");

    /// <summary>Set an app's log masking and retention</summary>
    /// <remarks>Replaces both settings; no new release.</remarks>
    internal static async Task<Results<Ok<LogSettingsResponse>, ValidationProblem, ProblemHttpResult>> PutSettings(
        Guid id, UpdateLogSettingsRequest request, LogSettingsStore store, CancellationToken ct)
    {
        var lines = request.Retention?.Lines;
        var hours = request.Retention?.Hours;
        var errors = new ValidationErrors()
            .Check("retention.lines", lines is < MinRetentionLines or > MaxRetentionLines
                ? $"Retention lines are between {MinRetentionLines} and {MaxRetentionLines} (omit for the platform default)." : null)
            .Check("retention.hours", hours is < 1 or > MaxRetentionHours
                ? $"Retention hours are between 1 and {MaxRetentionHours} (omit for the platform default)." : null);
        if (errors.Any)
            return ProblemTypes.Validation(errors.ToDictionary());

        var settings = new LogSettingsResponse(request.MaskSecretsInLogs ?? true, new LogRetentionSettings(lines, hours));
        return await store.ReplaceAsync(id, settings, ct) is { } stored ? TypedResults.Ok(stored) : ProblemTypes.NotFound("The app");
    }
}
