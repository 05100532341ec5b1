using Microsoft.AspNetCore.Http.HttpResults;
using PersonalCloud.Contracts.Api;
using PersonalCloud.Contracts.Validation;
using PersonalCloud.ControlPlane.Apps;
using PersonalCloud.ControlPlane.Problems;

namespace PersonalCloud.ControlPlane.Releases;

public static class ReleasesEndpoints
{
    public static RouteGroupBuilder MapReleases(this RouteGroupBuilder api)
    {
        var app = api.MapGroup("/apps/{id:guid}").WithTags("Releases");
        app.MapPost("/deploy", Deploy);
        app.MapPost("/restart", Restart);
        app.MapGet("/releases", List);
        return api;
    }

    private static async Task<Results<Accepted<AcceptedResponse>, ValidationProblem, ProblemHttpResult>> Deploy(
        Guid id, DeployRequest? request, AppsStore apps, ReleasesStore releases, CancellationToken ct)
    {
        var app = await apps.GetAsync(id, ct);
        if (app is null)
            return ProblemTypes.NotFound("The app");

        // A deploy without an image redeploys the app's current image.
        var image = request?.Image ?? app.Image;
        if (ValidationRules.Image(image) is { } error)
            return ProblemTypes.Validation("image", error);

        var created = await releases.CreateAsync(id, image!, ct);
        if (created is not { } result)
            return ProblemTypes.NotFound("The app");
        var status = $"/api/apps/{id}";
        return TypedResults.Accepted(status, new AcceptedResponse(id, result.Generation, status, result.Release.ToResponse()));
    }

    private static async Task<Results<Accepted<AcceptedResponse>, ProblemHttpResult>> Restart(Guid id, AppsStore apps, CancellationToken ct)
    {
        var app = await apps.GetAsync(id, ct);
        if (app is null)
            return ProblemTypes.NotFound("The app");
        if (app.DesiredReleaseId is null)
            return ProblemTypes.Conflict("Nothing to restart.", "The app has never been deployed.");

        var generation = await apps.RequestRestartAsync(id, ct);
        if (generation is null)
            return ProblemTypes.NotFound("The app");
        var status = $"/api/apps/{id}";
        return TypedResults.Accepted(status, new AcceptedResponse(id, generation.Value, status));
    }

    private static async Task<Results<Ok<IReadOnlyList<ReleaseResponse>>, ProblemHttpResult>> List(Guid id, AppsStore apps, ReleasesStore releases, CancellationToken ct)
    {
        if (await apps.GetAsync(id, ct) is null)
            return ProblemTypes.NotFound("The app");
        IReadOnlyList<ReleaseResponse> list = (await releases.ListAsync(id, ct)).Select(r => r.ToResponse()).ToList();
        return TypedResults.Ok(list);
    }
}
