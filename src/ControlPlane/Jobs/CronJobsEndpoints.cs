using Microsoft.AspNetCore.Http.HttpResults;
using PersonalCloud.Contracts.Api;
using PersonalCloud.Contracts.Jobs;
using PersonalCloud.Contracts.Labels;
using PersonalCloud.ControlPlane.Apps;
using PersonalCloud.ControlPlane.Problems;
using PersonalCloud.ControlPlane.Runs;

namespace PersonalCloud.ControlPlane.Jobs;

public static class CronJobsEndpoints
{
    private const int DefaultRunsLimit = 50;

    public static RouteGroupBuilder MapCronJobs(this RouteGroupBuilder api)
    {
        api.MapGet("/cron/preview", Preview).WithTags("Cron jobs").WithName("previewSchedule");
        var jobs = api.MapGroup("/apps/{id:guid}/cron").WithTags("Cron jobs");
        jobs.MapGet("/", List).WithName("listCronJobs")
            .ProducesProblem(StatusCodes.Status404NotFound);
        jobs.MapPost("/", Create).WithName("createCronJob")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        jobs.MapGet("/{jobId:guid}", Get).WithName("getCronJob")
            .ProducesProblem(StatusCodes.Status404NotFound);
        jobs.MapPut("/{jobId:guid}", Replace).WithName("replaceCronJob")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        jobs.MapDelete("/{jobId:guid}", Delete).WithName("deleteCronJob")
            .ProducesProblem(StatusCodes.Status404NotFound);
        jobs.MapPost("/{jobId:guid}/suspend", Suspend).WithName("suspendCronJob")
            .ProducesProblem(StatusCodes.Status404NotFound);
        jobs.MapPost("/{jobId:guid}/resume", Resume).WithName("resumeCronJob")
            .ProducesProblem(StatusCodes.Status404NotFound);
        jobs.MapPost("/{jobId:guid}/runs", RunNow).WithName("runCronJobNow")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        jobs.MapGet("/{jobId:guid}/runs", Runs).WithName("listCronJobRuns")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return api;
    }

    /// <summary>Preview a schedule</summary>
    /// <remarks>What a schedule means before it is saved: its next run times (UTC) in its time zone, or a 400 naming what is wrong with which field.</remarks>
    internal static Results<Ok<SchedulePreviewResponse>, ValidationProblem> Preview(string? schedule, string? timeZone, TimeProvider time)
    {
        var (parsed, scheduleError, zoneError) = CronSchedule.Parse(schedule, timeZone);
        if (parsed is null)
            return ProblemTypes.Validation(new ValidationErrors().Check("schedule", scheduleError).Check("timeZone", zoneError).ToDictionary());
        return TypedResults.Ok(new SchedulePreviewResponse(parsed.Expression, timeZone ?? CronSchedule.DefaultTimeZone, parsed.Next(time.GetUtcNow(), JobRules.NextRunsShown)));
    }

    /// <summary>List cron jobs</summary>
    /// <remarks>The app's cron jobs with their next run times, their last outcomes and whether they need attention.</remarks>
    internal static async Task<Results<Ok<IReadOnlyList<CronJobResponse>>, ProblemHttpResult>> List(
        Guid id, AppsStore apps, CronJobsStore jobs, RunsStore runs, TimeProvider time, CancellationToken ct)
    {
        if (await apps.GetAsync(id, ct) is null)
            return ProblemTypes.NotFound("The app");
        var recent = await runs.RecentByJobAsync(id, CronJobResponses.RecentRunsShown, ct);
        var now = time.GetUtcNow();
        IReadOnlyList<CronJobResponse> list = (await jobs.ListAsync(id, ct)).Select(j => j.ToResponse(recent[j.Id], now)).ToList();
        return TypedResults.Ok(list);
    }

    /// <summary>Get a cron job</summary>
    /// <remarks>One cron job with its next run times and last outcomes.</remarks>
    internal static async Task<Results<Ok<CronJobResponse>, ProblemHttpResult>> Get(Guid id, Guid jobId, CronJobsStore jobs, RunsStore runs, TimeProvider time, CancellationToken ct) =>
        await ReadAsync(id, jobId, jobs, runs, time, ct) is { } job ? TypedResults.Ok(job) : ProblemTypes.NotFound("The cron job");

    /// <summary>Create a cron job</summary>
    /// <remarks>201. Name, schedule (5 fields, 6 with seconds, or an @hourly-style macro), IANA time zone (UTC), command, concurrencyPolicy forbid (default), allow or replace, timeoutSeconds (3600, at most 86400), startingDeadlineSeconds, suspended. Each run is a fresh container from the serving release. 409 when the name is taken.</remarks>
    internal static async Task<Results<Created<CronJobResponse>, ValidationProblem, ProblemHttpResult>> Create(
        Guid id, CronJobRequest request, CronJobsStore jobs, RunsStore runs, TimeProvider time, CancellationToken ct)
    {
        if (Validate(request) is { } problem)
            return problem;
        var jobId = Guid.CreateVersion7();
        switch (await jobs.CreateAsync(id, jobId, Definition(request), time.GetUtcNow(), ct))
        {
            case CronJobWrite.AppNotFound:
                return ProblemTypes.NotFound("The app");
            case CronJobWrite.NameTaken:
                return ProblemTypes.Conflict("The job name is taken.", $"The app already has a cron job named '{request.Name}': choose another name, or change that job (PUT).");
            case CronJobWrite.TooMany:
                return ProblemTypes.Conflict("The app has as many cron jobs as it may.", $"An app has at most {JobRules.MaxJobsPerApp} cron jobs: delete one first.");
        }

        var created = (await ReadAsync(id, jobId, jobs, runs, time, ct))!;
        return TypedResults.Created($"/api/apps/{id}/cron/{jobId}", created);
    }

    /// <summary>Replace a cron job</summary>
    /// <remarks>The whole definition, validated as at creation; the next scheduled time follows the new schedule; a run already going keeps going.</remarks>
    internal static async Task<Results<Ok<CronJobResponse>, ValidationProblem, ProblemHttpResult>> Replace(
        Guid id, Guid jobId, CronJobRequest request, CronJobsStore jobs, RunsStore runs, TimeProvider time, CancellationToken ct)
    {
        if (Validate(request) is { } problem)
            return problem;
        switch (await jobs.ReplaceAsync(id, jobId, Definition(request), time.GetUtcNow(), ct))
        {
            case CronJobWrite.JobNotFound:
                return ProblemTypes.NotFound("The cron job");
            case CronJobWrite.NameTaken:
                return ProblemTypes.Conflict("The job name is taken.", $"The app already has another cron job named '{request.Name}'.");
        }

        return await ReadAsync(id, jobId, jobs, runs, time, ct) is { } job ? TypedResults.Ok(job) : ProblemTypes.NotFound("The cron job");
    }

    /// <summary>Delete a cron job</summary>
    /// <remarks>Deletes the job and its run history; a run still running is stopped.</remarks>
    internal static async Task<Results<Accepted<AcceptedResponse>, ProblemHttpResult>> Delete(Guid id, Guid jobId, CronJobsStore jobs, CancellationToken ct)
    {
        if (!await jobs.DeleteAsync(id, jobId, ct))
            return ProblemTypes.NotFound("The cron job");
        var status = $"/api/apps/{id}/cron";
        return TypedResults.Accepted(status, new AcceptedResponse(id, 0, status));
    }

    /// <summary>Suspend a cron job</summary>
    /// <remarks>No scheduled runs until resumed; Run now still works.</remarks>
    internal static Task<Results<Ok<CronJobResponse>, ProblemHttpResult>> Suspend(Guid id, Guid jobId, CronJobsStore jobs, RunsStore runs, TimeProvider time, CancellationToken ct) =>
        SetSuspendedAsync(id, jobId, true, jobs, runs, time, ct);

    /// <summary>Resume a cron job</summary>
    /// <remarks>Resumes a suspended job (also one the platform suspended after failing in a row); times missed while suspended do not run late.</remarks>
    internal static Task<Results<Ok<CronJobResponse>, ProblemHttpResult>> Resume(Guid id, Guid jobId, CronJobsStore jobs, RunsStore runs, TimeProvider time, CancellationToken ct) =>
        SetSuspendedAsync(id, jobId, false, jobs, runs, time, ct);

    private static async Task<Results<Ok<CronJobResponse>, ProblemHttpResult>> SetSuspendedAsync(
        Guid id, Guid jobId, bool suspended, CronJobsStore jobs, RunsStore runs, TimeProvider time, CancellationToken ct)
    {
        if (!await jobs.SetSuspendedAsync(id, jobId, suspended, time.GetUtcNow(), ct))
            return ProblemTypes.NotFound("The cron job");
        return await ReadAsync(id, jobId, jobs, runs, time, ct) is { } job ? TypedResults.Ok(job) : ProblemTypes.NotFound("The cron job");
    }

    /// <summary>Run a cron job now</summary>
    /// <remarks>A manual run of the job, whatever its schedule and suspension; 202 with the run. 409 when the app has no serving release.</remarks>
    internal static async Task<Results<Accepted<RunResponse>, ValidationProblem, ProblemHttpResult>> RunNow(
        Guid id, Guid jobId, CronJobsStore jobs, RunsStore runs, TimeProvider time, CancellationToken ct)
    {
        if (await jobs.GetAsync(id, jobId, ct) is not { } job)
            return ProblemTypes.NotFound("The cron job");
        var run = new NewRun(Guid.CreateVersion7(), id, jobId, RunLabels.JobKind, job.Command, null, job.TimeoutSeconds, time.GetUtcNow());
        return await RunsEndpoints.QueueAsync(run, runs, ct);
    }

    /// <summary>List a cron job's runs</summary>
    /// <remarks>The job's runs, newest first (the last 100, or 30 days): scheduled for, started, ended, exit code, trigger, release and outcome.</remarks>
    internal static async Task<Results<Ok<IReadOnlyList<RunResponse>>, ValidationProblem, ProblemHttpResult>> Runs(
        Guid id, Guid jobId, int? limit, DateTimeOffset? before, CronJobsStore jobs, RunsStore runs, CancellationToken ct)
    {
        if (limit is < 1 or > JobRules.HistoryRuns)
            return ProblemTypes.Validation("limit", $"limit is between 1 and {JobRules.HistoryRuns}.");
        if (await jobs.GetAsync(id, jobId, ct) is null)
            return ProblemTypes.NotFound("The cron job");
        IReadOnlyList<RunResponse> list = (await runs.ListAsync(id, RunLabels.JobKind, jobId, limit ?? DefaultRunsLimit, before, ct)).Select(r => r.ToResponse()).ToList();
        return TypedResults.Ok(list);
    }

    private static async Task<CronJobResponse?> ReadAsync(Guid appId, Guid jobId, CronJobsStore jobs, RunsStore runs, TimeProvider time, CancellationToken ct)
    {
        var job = await jobs.GetAsync(appId, jobId, ct);
        return job?.ToResponse((await runs.RecentByJobAsync(appId, CronJobResponses.RecentRunsShown, ct))[jobId], time.GetUtcNow());
    }

    private static ValidationProblem? Validate(CronJobRequest request)
    {
        var (_, scheduleError, zoneError) = CronSchedule.Parse(request.Schedule, request.TimeZone);
        var errors = new ValidationErrors()
            .Check("name", JobRules.Name(request.Name))
            .Check("schedule", scheduleError)
            .Check("timeZone", zoneError)
            .Check("command", JobRules.Command(request.Command))
            .Check("concurrencyPolicy", JobRules.Policy(request.ConcurrencyPolicy))
            .Check("timeoutSeconds", JobRules.Timeout(request.TimeoutSeconds))
            .Check("startingDeadlineSeconds", JobRules.StartingDeadline(request.StartingDeadlineSeconds));
        return errors.Any ? ProblemTypes.Validation(errors.ToDictionary()) : null;
    }

    private static CronJobDefinition Definition(CronJobRequest r) => new(
        r.Name!, r.Schedule!.Trim(), r.TimeZone?.Trim() ?? CronSchedule.DefaultTimeZone, r.Command!, r.ConcurrencyPolicy ?? ConcurrencyPolicies.Forbid,
        r.TimeoutSeconds ?? JobRules.DefaultTimeoutSeconds, r.StartingDeadlineSeconds, r.Suspended ?? false);
}
