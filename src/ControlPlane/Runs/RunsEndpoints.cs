using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using PersonalCloud.Contracts.Api;
using PersonalCloud.Contracts.Jobs;
using PersonalCloud.Contracts.Labels;
using PersonalCloud.ControlPlane.Apps;
using PersonalCloud.ControlPlane.Logs;
using PersonalCloud.ControlPlane.Problems;

namespace PersonalCloud.ControlPlane.Runs;

public static class RunsEndpoints
{
    private const int DefaultLimit = 50;

    public static RouteGroupBuilder MapRuns(this RouteGroupBuilder api)
    {
        var runs = api.MapGroup("/apps/{id:guid}/runs").WithTags("Runs");
        runs.MapPost("/", Create).WithName("createRun")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        runs.MapGet("/", List).WithName("listRuns")
            .ProducesProblem(StatusCodes.Status404NotFound);
        runs.MapGet("/{runId:guid}", Get).WithName("getRun")
            .ProducesProblem(StatusCodes.Status404NotFound);
        runs.MapGet("/{runId:guid}/output", Output).WithName("streamRunOutput")
            .Produces<string>(StatusCodes.Status200OK, "text/event-stream").ProducesProblem(StatusCodes.Status404NotFound);
        runs.MapPost("/{runId:guid}/stop", Stop).WithName("stopRun")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        runs.MapDelete("/{runId:guid}", StopByDelete).WithName("deleteRun")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        return api;
    }

    /// <summary>Start a one-off run</summary>
    /// <remarks>A fresh container from the serving release (its image, env, network and limits, or those of the process named) running /bin/sh -c command, as heroku run does; 202 with the run and outputUrl to follow. 409 when the app has no serving release.</remarks>
    internal static async Task<Results<Accepted<RunResponse>, ValidationProblem, ProblemHttpResult>> Create(
        Guid id, CreateRunRequest request, RunsStore runs, TimeProvider time, CancellationToken ct)
    {
        var errors = new ValidationErrors()
            .Check("command", JobRules.Command(request.Command))
            .Check("process", JobRules.Process(request.Process))
            .Check("timeoutSeconds", JobRules.Timeout(request.TimeoutSeconds));
        if (errors.Any)
            return ProblemTypes.Validation(errors.ToDictionary());
        var run = new NewRun(Guid.CreateVersion7(), id, null, RunLabels.RunKind, request.Command!, request.Process,
            request.TimeoutSeconds ?? JobRules.DefaultTimeoutSeconds, time.GetUtcNow());
        return await QueueAsync(run, runs, ct);
    }

    /// <summary>Queues a run the owner asked for; 202 with the run and where to follow it.</summary>
    internal static async Task<Results<Accepted<RunResponse>, ValidationProblem, ProblemHttpResult>> QueueAsync(NewRun run, RunsStore runs, CancellationToken ct)
    {
        switch (await runs.RequestAsync(run, ct))
        {
            case RunRequestOutcome.AppNotFound:
                return ProblemTypes.NotFound("The app");
            case RunRequestOutcome.NoServingRelease:
                return ProblemTypes.NoServingRelease();
        }

        var queued = (await runs.GetAsync(run.AppId, run.Id, ct))!;
        return TypedResults.Accepted(RunResponses.RunUrl(run.AppId, run.Id), queued.ToResponse());
    }

    /// <summary>List runs</summary>
    /// <remarks>The app's one-off runs (kind=run, the default), its cron jobs' runs (kind=job) or all (kind=all), newest first; before pages to older ones.</remarks>
    internal static async Task<Results<Ok<IReadOnlyList<RunResponse>>, ValidationProblem, ProblemHttpResult>> List(
        Guid id, string? kind, int? limit, DateTimeOffset? before, AppsStore apps, RunsStore runs, CancellationToken ct)
    {
        var errors = new ValidationErrors()
            .Check("kind", kind is null or RunLabels.RunKind or RunLabels.JobKind or "all" ? null : "kind is 'run' (one-off runs, the default), 'job' or 'all'.")
            .Check("limit", limit is < 1 or > JobRules.HistoryRuns ? $"limit is between 1 and {JobRules.HistoryRuns}." : null);
        if (errors.Any)
            return ProblemTypes.Validation(errors.ToDictionary());
        if (await apps.GetAsync(id, ct) is null)
            return ProblemTypes.NotFound("The app");
        var rows = await runs.ListAsync(id, kind == "all" ? null : kind ?? RunLabels.RunKind, null, limit ?? DefaultLimit, before, ct);
        IReadOnlyList<RunResponse> list = rows.Select(r => r.ToResponse()).ToList();
        return TypedResults.Ok(list);
    }

    /// <summary>Get a run</summary>
    /// <remarks>Its command, release, container, times, exit code and outcome (succeeded, failed, timed out, stopped, skipped with a reason, missed).</remarks>
    internal static async Task<Results<Ok<RunResponse>, ProblemHttpResult>> Get(Guid id, Guid runId, RunsStore runs, CancellationToken ct) =>
        await runs.GetAsync(id, runId, ct) is { } run ? TypedResults.Ok(run.ToResponse()) : ProblemTypes.NotFound("The run");

    /// <summary>Stop a run</summary>
    /// <remarks>SIGTERM, then SIGKILL after the stop grace; the run ends as stopped. 409 when it has already ended.</remarks>
    internal static async Task<Results<Accepted<RunResponse>, ProblemHttpResult>> Stop(Guid id, Guid runId, RunsStore runs, TimeProvider time, CancellationToken ct)
    {
        var (outcome, run) = await runs.RequestStopAsync(id, runId, time.GetUtcNow(), ct);
        return outcome switch
        {
            StopRequestOutcome.NotFound => ProblemTypes.NotFound("The run"),
            StopRequestOutcome.AlreadyEnded => ProblemTypes.Conflict("The run has ended.", $"It ended as {run!.Outcome}{(run.Reason is null ? "" : $" ({run.Reason})")}: there is nothing to stop."),
            _ => TypedResults.Accepted(RunResponses.RunUrl(id, runId), run!.ToResponse()),
        };
    }

    /// <summary>Stop a run (DELETE)</summary>
    /// <remarks>The same as POST .../stop: the run's record and output stay.</remarks>
    internal static Task<Results<Accepted<RunResponse>, ProblemHttpResult>> StopByDelete(Guid id, Guid runId, RunsStore runs, TimeProvider time, CancellationToken ct) =>
        Stop(id, runId, runs, time, ct);

    /// <summary>Follow a run's output</summary>
    /// <remarks>Server-Sent Events: the run's output (event line, id = line id, honours Last-Event-ID), status as it starts, and end with its outcome and exit code. Stored output stays readable through GET /api/apps/{id}/logs?run=.</remarks>
    internal static async Task<Results<EmptyHttpResult, ProblemHttpResult>> Output(
        Guid id, Guid runId, [FromHeader(Name = "Last-Event-ID")] string? lastEventId, HttpContext http, RunsStore runs, RunOutputStreamer streamer)
    {
        if (await runs.GetAsync(id, runId, http.RequestAborted) is null)
            return ProblemTypes.NotFound("The run");
        await streamer.StreamAsync(http, id, runId, LogQueryParser.ResumeAfter(lastEventId));
        return TypedResults.Empty;
    }
}
