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
        app.MapGet("/processes", List).WithName("listProcesses")
            .ProducesProblem(StatusCodes.Status404NotFound);
        app.MapGet("/processes/{name}", Get).WithName("getProcess")
            .ProducesProblem(StatusCodes.Status404NotFound);
        app.MapPost("/processes", Create).WithName("createProcess")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        app.MapPut("/processes/{name}", Replace).WithName("replaceProcess")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        app.MapDelete("/processes/{name}", Delete).WithName("deleteProcess")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        app.MapPost("/scale", Scale).WithName("scaleProcesses")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return api;
    }

    /// <summary>List the app's processes</summary>
    /// <remarks>The app's processes (its definitions combined with the running release's Procfile) with each replica's status, crash count and restart count.</remarks>
    internal static async Task<Results<Ok<IReadOnlyList<ProcessResponse>>, ProblemHttpResult>> List(Guid id, ProcessesStore store, CancellationToken ct) =>
        await store.ReadAsync(id, ct) is { } rows ? TypedResults.Ok(ProcessResponses.From(rows)) : ProblemTypes.NotFound("The app");

    /// <summary>Get one process</summary>
    /// <remarks>One process with its replicas; 404 when the app or the process does not exist.</remarks>
    internal static async Task<Results<Ok<ProcessResponse>, ProblemHttpResult>> Get(Guid id, string name, ProcessesStore store, CancellationToken ct)
    {
        if (await store.ReadAsync(id, ct) is not { } rows)
            return ProblemTypes.NotFound("The app");
        return ProcessResponses.From(rows).FirstOrDefault(p => p.Name == name) is { } process ? TypedResults.Ok(process) : ProblemTypes.NotFound($"The process '{name}'");
    }

    /// <summary>Create a process</summary>
    /// <remarks>202; a deployed app gets a new release of the same image (no rebuild) that starts it. 409 when the name is taken, a second web process is asked for, or the Procfile declares the name.</remarks>
    internal static async Task<Results<Accepted<AcceptedResponse>, ValidationProblem, ProblemHttpResult>> Create(
        Guid id, ProcessRequest? request, ProcessRequests requests, ProcessesStore store, CancellationToken ct)
    {
        var (process, errors) = await requests.CheckAsync(request, null, "", ct);
        if (process is null)
            return ProblemTypes.Validation(errors.ToDictionary());
        return Outcome(id, await store.CreateAsync(id, process, ct), process.Name);
    }

    /// <summary>Replace a process's definition</summary>
    /// <remarks>202; the whole definition is replaced (kind, command, replicas, limits, liveness, update order) and a deployed app gets a new release of the same image.</remarks>
    internal static async Task<Results<Accepted<AcceptedResponse>, ValidationProblem, ProblemHttpResult>> Replace(
        Guid id, string name, ProcessRequest? request, ProcessRequests requests, ProcessesStore store, CancellationToken ct)
    {
        var (process, errors) = await requests.CheckAsync(request, name, "", ct);
        if (process is null)
            return ProblemTypes.Validation(errors.ToDictionary());
        return Outcome(id, await store.ReplaceAsync(id, process, ct), name);
    }

    /// <summary>Delete a process</summary>
    /// <remarks>202; a deployed app gets a new release without it, which stops its replicas.</remarks>
    internal static async Task<Results<Accepted<AcceptedResponse>, ValidationProblem, ProblemHttpResult>> Delete(Guid id, string name, ProcessesStore store, CancellationToken ct) =>
        Outcome(id, await store.DeleteAsync(id, name, ct), name);

    /// <summary>Scale processes</summary>
    /// <remarks>Replica counts (0-20) by process name, e.g. {"web": 3, "worker": 1}: a new desired generation, not a new release; web replicas join the route once healthy, surplus ones are drained and stopped.</remarks>
    internal static async Task<Results<Accepted<AcceptedResponse>, ValidationProblem, ProblemHttpResult>> Scale(
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
