using Microsoft.AspNetCore.Http.HttpResults;
using PersonalCloud.Contracts.Api;
using PersonalCloud.Contracts.Validation;
using PersonalCloud.ControlPlane.Problems;
using PersonalCloud.ControlPlane.Releases;

namespace PersonalCloud.ControlPlane.Processes;

public static class ProcessesEndpoints
{
    public static RouteGroupBuilder MapProcesses(this RouteGroupBuilder api)
    {
        var app = api.MapGroup("/apps/{id:guid}").WithTags("Processes");
        app.MapGet("/processes", List)
            .WithDescription("The app's processes (its definitions combined with the running release's Procfile) with each replica's status, crashes and restarts.");
        app.MapGet("/processes/{name}", Get);
        app.MapPost("/processes", Create).WithDescription("Creates a process; a deployed app gets a new release of the same image (no rebuild).");
        app.MapPut("/processes/{name}", Replace).WithDescription("Replaces a process's whole definition; a deployed app gets a new release of the same image.");
        app.MapDelete("/processes/{name}", Delete);
        app.MapPost("/scale", Scale).WithDescription("{\"web\": 3, \"worker\": 1}: replica counts (0-20) by process name; a new generation, not a new release.");
        return api;
    }

    private static async Task<Results<Ok<IReadOnlyList<ProcessResponse>>, ProblemHttpResult>> List(Guid id, ProcessesStore store, CancellationToken ct) =>
        await store.ReadAsync(id, ct) is { } rows ? TypedResults.Ok(ProcessResponses.From(rows)) : ProblemTypes.NotFound("The app");

    private static async Task<Results<Ok<ProcessResponse>, ProblemHttpResult>> Get(Guid id, string name, ProcessesStore store, CancellationToken ct)
    {
        if (await store.ReadAsync(id, ct) is not { } rows)
            return ProblemTypes.NotFound("The app");
        return ProcessResponses.From(rows).FirstOrDefault(p => p.Name == name) is { } process ? TypedResults.Ok(process) : ProblemTypes.NotFound($"The process '{name}'");
    }

    private static async Task<Results<Accepted<AcceptedResponse>, ValidationProblem, ProblemHttpResult>> Create(
        Guid id, ProcessRequest? request, ProcessRequests requests, ProcessesStore store, CancellationToken ct)
    {
        var (process, errors) = await requests.CheckAsync(request, null, "", ct);
        if (process is null)
            return ProblemTypes.Validation(errors.ToDictionary());
        return Outcome(id, await store.CreateAsync(id, process, ct), process.Name);
    }

    private static async Task<Results<Accepted<AcceptedResponse>, ValidationProblem, ProblemHttpResult>> Replace(
        Guid id, string name, ProcessRequest? request, ProcessRequests requests, ProcessesStore store, CancellationToken ct)
    {
        var (process, errors) = await requests.CheckAsync(request, name, "", ct);
        if (process is null)
            return ProblemTypes.Validation(errors.ToDictionary());
        return Outcome(id, await store.ReplaceAsync(id, process, ct), name);
    }

    private static async Task<Results<Accepted<AcceptedResponse>, ValidationProblem, ProblemHttpResult>> Delete(Guid id, string name, ProcessesStore store, CancellationToken ct) =>
        Outcome(id, await store.DeleteAsync(id, name, ct), name);

    private static async Task<Results<Accepted<AcceptedResponse>, ValidationProblem, ProblemHttpResult>> Scale(
        Guid id, Dictionary<string, int>? request, ProcessesStore store, CancellationToken ct)
    {
        if (request is null || request.Count == 0)
            return ProblemTypes.Validation("body", "Give the replicas by process name: {\"web\": 3, \"worker\": 1}.");
        var errors = new ValidationErrors();
        foreach (var (name, replicas) in request)
            errors.Check(name, ProcessRules.Name(name) ?? ProcessRules.Replicas(replicas));
        if (errors.Any)
            return ProblemTypes.Validation(errors.ToDictionary());
        return Outcome(id, await store.ScaleAsync(id, request, ct), null);
    }

    private static Results<Accepted<AcceptedResponse>, ValidationProblem, ProblemHttpResult> Outcome(Guid id, ProcessChangeResult result, string? name)
    {
        var status = $"/api/apps/{id}/processes{(name is null ? "" : "/" + name)}";
        return result.Status switch
        {
            ProcessChangeStatus.AppNotFound => ProblemTypes.NotFound("The app"),
            ProcessChangeStatus.ProcessNotFound => ProblemTypes.NotFound($"The process '{name}'"),
            ProcessChangeStatus.UnknownProcess => ProblemTypes.Validation("body", result.Message!),
            ProcessChangeStatus.TooMany => ProblemTypes.Validation("name", result.Message!),
            ProcessChangeStatus.NameTaken or ProcessChangeStatus.SecondWeb or ProcessChangeStatus.DeclaredByProcfile =>
                ProblemTypes.ProcessConflict(result.Message!),
            _ => TypedResults.Accepted(status, new AcceptedResponse(id, result.Generation, $"/api/apps/{id}", result.Release?.ToResponse())),
        };
    }
}
