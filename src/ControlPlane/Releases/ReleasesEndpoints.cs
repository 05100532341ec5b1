using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using PersonalCloud.Contracts.Api;
using PersonalCloud.Contracts.Apps;
using PersonalCloud.Contracts.Secrets;
using PersonalCloud.Contracts.Validation;
using PersonalCloud.ControlPlane.Apps;
using PersonalCloud.ControlPlane.Problems;

namespace PersonalCloud.ControlPlane.Releases;

public static class ReleasesEndpoints
{
    public static RouteGroupBuilder MapReleases(this RouteGroupBuilder api)
    {
        var app = api.MapGroup("/apps/{id:guid}").WithTags("Releases");
        // The body is read by hand (JSON or a raw tar.gz): Accepts metadata would make routing answer 415 to a bodiless redeploy.
        // The server's default body limit (about 28.6 MiB) is below a build context's: this endpoint takes up to 64 MiB, then 413.
        app.MapPost("/deploy", Deploy)
            .WithMetadata(new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(SourceArchive.MaxBytes))
            .WithDescription("JSON {image} or {git:{url,ref}}; or a tar.gz build context with a Dockerfile as the raw body (application/gzip, at most 64 MB: else 413); no body redeploys the current image.");
        app.MapPost("/restart", Restart);
        app.MapPost("/rollback", Rollback);
        app.MapGet("/releases", List);
        app.MapGet("/releases/{releaseId:guid}", Get);
        app.MapGet("/releases/{releaseId:guid}/build-log", BuildLog)
            .WithDescription("The build output of a release built from source, as a JSON string: readable while the build runs (empty while it is queued).");
        app.MapGet("/releases/{releaseId:guid}/progress", Progress)
            .WithDescription("Server-Sent Events until the release settles: `release` (the release with its stages, on every change), "
                + "`build-log` ({text, reset, total}; id = characters printed so far, resume with Last-Event-ID), `end` ({status, stage, failedStage, failureReason}).");
        return api;
    }

    private static async Task<Results<Accepted<AcceptedResponse>, ValidationProblem, ProblemHttpResult>> Deploy(
        Guid id, HttpRequest http, AppsStore apps, ReleasesStore releases, SecretBox secrets, CancellationToken ct)
    {
        var app = await apps.GetAsync(id, ct);
        if (app is null)
            return ProblemTypes.NotFound("The app");

        var (source, problem) = await ReadSourceAsync(http, app, secrets, ct);
        if (problem is not null)
            return problem;

        var created = await releases.CreateAsync(id, source!, ct);
        if (created is not { } result)
            return ProblemTypes.NotFound("The app");
        return Accepted(id, result.Generation, result.Release);
    }

    private static async Task<(ReleaseSource? Source, ValidationProblem? Problem)> ReadSourceAsync(HttpRequest http, AppRow app, SecretBox secrets, CancellationToken ct)
    {
        var contentType = http.ContentType?.Split(';')[0].Trim() ?? "";
        if (SourceArchive.ContentTypes.Contains(contentType))
        {
            var (archive, error) = await SourceArchive.ReadAsync(http.Body, ct);
            return error is null
                ? (new ReleaseSource(ReleaseSources.Archive, BuildTag(app), Archive: archive), null)
                : (null, ProblemTypes.Validation("body", error));
        }

        DeployRequest? request = null;
        if (http.ContentLength is > 0 || http.Headers.TransferEncoding.Count > 0)
        {
            if (!http.HasJsonContentType())
                return (null, ProblemTypes.Validation("body", "Send JSON {\"image\": ...} or {\"git\": {...}}, or a tar.gz build context as application/gzip."));
            try
            {
                request = await http.ReadFromJsonAsync<DeployRequest>(ct);
            }
            catch (JsonException e)
            {
                return (null, ProblemTypes.Validation("body", "The body is not valid JSON: " + e.Message));
            }
        }

        if (request?.Git is { } git)
        {
            var errors = new ValidationErrors()
                .Check("git.url", ValidationRules.GitUrl(git.Url))
                .Check("git.ref", ValidationRules.GitRef(git.Ref))
                .Check("image", request.Image is null ? null : "Give either an image or a git source, not both.");
            return errors.Any
                ? (null, ProblemTypes.Validation(errors.ToDictionary()))
                : (new ReleaseSource(ReleaseSources.Git, BuildTag(app), GitUrlCredentials.Masked(git.Url!), git.Ref,
                    GitUrlSealed: GitUrlCredentials.HasCredentials(git.Url!) ? secrets.Seal(app.Id, GitUrlCredentials.SealKey, git.Url!) : null), null);
        }

        // A deploy without an image redeploys the app's current image.
        var image = request?.Image ?? app.Image;
        return ValidationRules.Image(image) is { } imageError
            ? (null, ProblemTypes.Validation("image", imageError))
            : (ReleaseSource.FromImage(image!), null);
    }

    private static string BuildTag(AppRow app) => $"pcloud-build/{app.Name}:{Guid.NewGuid():N}"[..^20];

    private static async Task<Results<Accepted<AcceptedResponse>, ProblemHttpResult>> Restart(Guid id, AppsStore apps, CancellationToken ct)
    {
        var app = await apps.GetAsync(id, ct);
        if (app is null)
            return ProblemTypes.NotFound("The app");
        if (app.DesiredReleaseId is null)
            return ProblemTypes.Conflict("Nothing to restart.", "The app has never been deployed.");

        var generation = await apps.RequestRestartAsync(id, ct);
        return generation is null ? ProblemTypes.NotFound("The app") : Accepted(id, generation.Value, null);
    }

    private static async Task<Results<Accepted<AcceptedResponse>, ProblemHttpResult>> Rollback(
        Guid id, RollbackRequest? request, ReleasesStore releases, CancellationToken ct)
    {
        var (outcome, release, generation) = await releases.RollbackAsync(id, request?.ReleaseId, ct);
        return outcome switch
        {
            RollbackOutcome.AppNotFound => ProblemTypes.NotFound("The app"),
            RollbackOutcome.ReleaseNotFound => ProblemTypes.NotFound("The release"),
            RollbackOutcome.NoEarlierRelease => ProblemTypes.Conflict("Nothing to roll back to.", "No earlier release of this app ever went live."),
            RollbackOutcome.ReleaseNeverRan => ProblemTypes.Conflict("That release never ran.", "Only a release that went live can be rolled back to."),
            _ => Accepted(id, generation, release),
        };
    }

    private static async Task<Results<Ok<IReadOnlyList<ReleaseResponse>>, ProblemHttpResult>> List(Guid id, AppsStore apps, ReleasesStore releases, CancellationToken ct)
    {
        if (await apps.GetAsync(id, ct) is null)
            return ProblemTypes.NotFound("The app");
        IReadOnlyList<ReleaseResponse> list = (await releases.ListAsync(id, ct)).Select(r => r.ToResponse()).ToList();
        return TypedResults.Ok(list);
    }

    private static async Task<Results<Ok<ReleaseResponse>, ProblemHttpResult>> Get(Guid id, Guid releaseId, ReleasesStore releases, CancellationToken ct) =>
        await releases.GetAsync(id, releaseId, ct) is { } release ? TypedResults.Ok(release.ToResponse()) : ProblemTypes.NotFound("The release");

    private static async Task<Results<Ok<string>, ProblemHttpResult>> BuildLog(Guid id, Guid releaseId, ReleasesStore releases, CancellationToken ct)
    {
        if (await releases.GetAsync(id, releaseId, ct) is not { } release)
            return ProblemTypes.NotFound("The release");
        if (await releases.GetBuildLogAsync(id, releaseId, ct) is { } log)
            return TypedResults.Ok(log);
        // Queued for its build, or made from an image already built (env change, rollback) or pulled: nothing printed.
        return release.SourceKind != ReleaseSources.Image && release.ImageDigest is null && release.Status is ReleaseStatus.Pending or ReleaseStatus.Building
            ? TypedResults.Ok("")
            : ProblemTypes.NotFound("The build log");
    }

    private static async Task<Results<EmptyHttpResult, ProblemHttpResult>> Progress(
        Guid id, Guid releaseId, [Microsoft.AspNetCore.Mvc.FromHeader(Name = "Last-Event-ID")] string? lastEventId,
        HttpContext http, ReleasesStore releases, ReleaseProgressStreamer streamer)
    {
        if (await releases.GetAsync(id, releaseId, http.RequestAborted) is null)
            return ProblemTypes.NotFound("The release");
        await streamer.StreamAsync(http, id, releaseId, ReleaseProgressStreamer.ResumeAfter(lastEventId));
        return TypedResults.Empty;
    }

    private static Accepted<AcceptedResponse> Accepted(Guid appId, long generation, ReleaseRow? release)
    {
        var status = $"/api/apps/{appId}";
        return TypedResults.Accepted(status, new AcceptedResponse(appId, generation, status, release?.ToResponse()));
    }
}
