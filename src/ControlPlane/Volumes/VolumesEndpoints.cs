using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using PersonalCloud.Contracts.Api;
using PersonalCloud.Contracts.Validation;
using PersonalCloud.ControlPlane.Problems;
using PersonalCloud.ControlPlane.Releases;

namespace PersonalCloud.ControlPlane.Volumes;

public static class VolumesEndpoints
{
    public static RouteGroupBuilder MapVolumes(this RouteGroupBuilder api)
    {
        var app = api.MapGroup("/apps/{id:guid}").WithTags("Volumes");
        app.MapGet("/volumes", List).WithName("listVolumes")
            .ProducesProblem(StatusCodes.Status404NotFound);
        app.MapPost("/volumes", Create).WithName("createVolume")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        app.MapDelete("/volumes/{name}", Delete).WithName("deleteVolume")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        api.MapGet("/volumes", ListKept).WithTags("Volumes").WithName("listAllVolumes");
        return api;
    }

    /// <summary>List the app's volumes</summary>
    /// <remarks>Each volume as asked for (name, mount path, processes) with what the reconciler last saw: state, usage in bytes and when it was measured, a warning over the platform's threshold. Volumes have no hard size cap on this host (quota says so). Deleted volumes whose data is still kept are listed too, with the reason.</remarks>
    internal static async Task<Results<Ok<IReadOnlyList<VolumeResponse>>, ProblemHttpResult>> List(Guid id, VolumesStore store, CancellationToken ct) =>
        await store.ReadAsync(id, ct) is { } rows ? TypedResults.Ok(VolumeResponses.From(rows.Desired, rows.Observed)) : ProblemTypes.NotFound("The app");

    /// <summary>Add a volume</summary>
    /// <remarks>202; a Docker named volume (local driver, no options) mounted read-write at mountPath into the named processes (null: all). A deployed app gets a new release of the same image that mounts it (its processes roll out). The name is a DNS label unique in the app; the mount path is absolute, not '/', not under /proc, /sys, /dev, /etc, /tmp, /var/tmp or /run, and does not overlap another volume's.</remarks>
    internal static async Task<Results<Accepted<AcceptedResponse>, ValidationProblem, ProblemHttpResult>> Create(
        Guid id, VolumeRequest? request, VolumesStore store, CancellationToken ct)
    {
        if (request is null)
            return ProblemTypes.Validation("body", "Give the volume: {\"name\": \"data\", \"mountPath\": \"/data\"} (\"processes\": [\"web\"] to mount it into some processes only).");
        var errors = new ValidationErrors()
            .Check("name", VolumeRules.Name(request.Name))
            .Check("mountPath", VolumeRules.MountPath(request.MountPath))
            .Check("processes", VolumeRules.Processes(request.Processes));
        if (errors.Any)
            return ProblemTypes.Validation(errors.ToDictionary());
        var result = await store.CreateAsync(id, request.Name!, VolumeRules.Normalize(request.MountPath!), request.Processes, ct);
        return Outcome(id, result, request.Name!);
    }

    /// <summary>Delete a volume</summary>
    /// <remarks>Needs ?confirm=&lt;the volume's name&gt; (409 volume-delete-unconfirmed without it). 202; a deployed app gets a new release that no longer mounts it. The data is not deleted at once: the reconciler keeps the Docker volume until a final verified backup of it exists (its state and reason are listed by GET .../volumes meanwhile).</remarks>
    internal static async Task<Results<Accepted<AcceptedResponse>, ValidationProblem, ProblemHttpResult>> Delete(
        Guid id, string name, [FromQuery] string? confirm, VolumesStore store, CancellationToken ct) =>
        Outcome(id, await store.DeleteAsync(id, name, confirm, ct), name);

    /// <summary>List kept volumes of every app</summary>
    /// <remarks>Every Docker volume the reconciler made that is not removed yet, deleted apps' included: state (ready, missing, orphaned), the reason an orphaned one is kept, usage and warning.</remarks>
    internal static async Task<Ok<IReadOnlyList<VolumeResponse>>> ListKept(VolumesStore store, CancellationToken ct) =>
        TypedResults.Ok<IReadOnlyList<VolumeResponse>>((await store.ReadAllStatusAsync(ct)).Select(VolumeResponses.FromStatus).ToList());

    private static Results<Accepted<AcceptedResponse>, ValidationProblem, ProblemHttpResult> Outcome(Guid id, VolumeChangeResult result, string name) =>
        result.Status switch
        {
            VolumeChangeStatus.AppNotFound => ProblemTypes.NotFound("The app"),
            VolumeChangeStatus.VolumeNotFound => ProblemTypes.NotFound($"The volume '{name}'"),
            VolumeChangeStatus.UnknownProcess => ProblemTypes.Validation("processes", result.Message!),
            VolumeChangeStatus.Conflict => ProblemTypes.VolumeConflict(result.Message!),
            VolumeChangeStatus.Unconfirmed => ProblemTypes.VolumeDeleteUnconfirmed(name),
            _ => TypedResults.Accepted($"/api/apps/{id}/volumes", new AcceptedResponse(id, result.Generation, $"/api/apps/{id}", result.Release?.ToResponse())),
        };
}
