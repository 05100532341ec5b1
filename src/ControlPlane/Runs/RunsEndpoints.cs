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
        runs.MapPost("/", Create)
            .WithDescription("A one-off run: a fresh container from the serving release running `/bin/sh -c command` (202; follow outputUrl).");
        runs.MapGet("/", List).WithDescription("The app's one-off runs (kind=run, the default), its jobs' runs (kind=job) or all (kind=all), newest first.");
        runs.MapGet("/{runId:guid}", Get).WithName("GetRun");
        runs.MapGet("/{runId:guid}/output", Output)
            .WithDescription("Server-Sent Events: the run's output (event `line`, id = line id, honours Last-Event-ID), `status` as it starts, and `end` with its outcome and exit code.");
        runs.MapPost("/{runId:guid}/stop", Stop).WithDescription("SIGTERM, then kill after the stop grace; the run ends as stopped.");
        runs.MapDelete("/{runId:guid}", Stop).WithDescription("Same as POST …/stop.");
        return api;
    }

    private static async Task<Results<Accepted<RunResponse>, ValidationProblem, ProblemHttpResult>> Create(
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

    private static async Task<Results<Ok<IReadOnlyList<RunResponse>>, ValidationProblem, ProblemHttpResult>> List(
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

    private static async Task<Results<Ok<RunResponse>, ProblemHttpResult>> Get(Guid id, Guid runId, RunsStore runs, CancellationToken ct) =>
        await runs.GetAsync(id, runId, ct) is { } run ? TypedResults.Ok(run.ToResponse()) : ProblemTypes.NotFound("The run");

    private static async Task<Results<Accepted<RunResponse>, ProblemHttpResult>> Stop(Guid id, Guid runId, RunsStore runs, TimeProvider time, CancellationToken ct)
    {
        var (outcome, run) = await runs.RequestStopAsync(id, runId, time.GetUtcNow(), ct);
        return outcome switch
        {
            StopRequestOutcome.NotFound => ProblemTypes.NotFound("The run"),
            StopRequestOutcome.AlreadyEnded => ProblemTypes.Conflict("The run has ended.", $"It ended as {run!.Outcome}{(run.Reason is null ? "" : $" ({run.Reason})")}: there is nothing to stop."),
            _ => TypedResults.Accepted(RunResponses.RunUrl(id, runId), run!.ToResponse()),
        };
    }

    private static async Task<Results<EmptyHttpResult, ProblemHttpResult>> Output(
        Guid id, Guid runId, [FromHeader(Name = "Last-Event-ID")] string? lastEventId, HttpContext http, RunsStore runs, RunOutputStreamer streamer)
    {
        if (await runs.GetAsync(id, runId, http.RequestAborted) is null)
            return ProblemTypes.NotFound("The run");
        await streamer.StreamAsync(http, id, runId, LogQueryParser.ResumeAfter(lastEventId));
        return TypedResults.Empty;
    }
}
