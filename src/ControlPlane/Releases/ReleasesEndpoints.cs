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
    private const string ServerSentEventsContentType = "text/event-stream";

    public static RouteGroupBuilder MapReleases(this RouteGroupBuilder api)
    {
        var app = api.MapGroup("/apps/{id:guid}").WithTags("Releases");
        // The body is read by hand (JSON or a raw tar.gz): Accepts metadata would make routing answer 415 to a bodiless redeploy.
        // The server's default body limit (about 28.6 MiB) is below a build context's: this endpoint takes up to 64 MiB, then 413.
        app.MapPost("/deploy", Deploy).WithName("deployApp")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .AddOpenApiOperationTransformer(OpenApi.DeployRequestBody.DescribeAsync)
            .WithMetadata(new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(SourceArchive.MaxBytes));
        app.MapPost("/restart", Restart).WithName("restartApp")
            .ProducesProblem(StatusCodes.Status404NotFound);
        app.MapPost("/rollback", Rollback).WithName("rollbackApp")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        app.MapGet("/releases", List).WithName("listReleases")
            .ProducesProblem(StatusCodes.Status404NotFound);
        app.MapGet("/releases/{releaseId:guid}", Get).WithName("getRelease")
            .ProducesProblem(StatusCodes.Status404NotFound);
        app.MapGet("/releases/{releaseId:guid}/build-log", BuildLog).WithName("getBuildLog")
            .ProducesProblem(StatusCodes.Status404NotFound);
        app.MapGet("/releases/{releaseId:guid}/progress", Progress).WithName("followReleaseProgress")
            .Produces<string>(StatusCodes.Status200OK, ServerSentEventsContentType).ProducesProblem(StatusCodes.Status404NotFound);
        return api;
    }

    /// <summary>Deploy an image, a git repository or a tar.gz build context</summary>
    /// <remarks>JSON {image} or {git:{url,ref}}; or a tar.gz build context with a Dockerfile as the raw body (application/gzip, at most 64 MB: else 413); no body redeploys the current image. 202 names the new release; follow it with followReleaseProgress.</remarks>
    internal static async Task<Results<Accepted<AcceptedResponse>, ValidationProblem, ProblemHttpResult>> Deploy(
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

    /// <summary>Replace the running containers with new ones</summary>
    /// <remarks>A rolling restart of the serving release: new containers start, pass their health check and take the traffic before the old ones drain.</remarks>
    internal static async Task<Results<Accepted<AcceptedResponse>, ProblemHttpResult>> Restart(Guid id, AppsStore apps, CancellationToken ct)
    {
        var app = await apps.GetAsync(id, ct);
        if (app is null)
            return ProblemTypes.NotFound("The app");
        if (app.DesiredReleaseId is null)
            return ProblemTypes.Conflict("Nothing to restart.", "The app has never been deployed.");

        var generation = await apps.RequestRestartAsync(id, ct);
        return generation is null ? ProblemTypes.NotFound("The app") : Accepted(id, generation.Value, null);
    }

    /// <summary>Roll back to an earlier release's image and env</summary>
    /// <remarks>JSON {releaseId}, or {} for the newest release before the current one that went live. A new release runs that release's image digest and env snapshot; 409 when there is nothing to roll back to.</remarks>
    internal static async Task<Results<Accepted<AcceptedResponse>, ProblemHttpResult>> Rollback(
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

    /// <summary>List an app's releases, newest first</summary>
    /// <remarks>Each release names its image (reference and digest), its git source, status, stages and failure reason.</remarks>
    internal static async Task<Results<Ok<IReadOnlyList<ReleaseResponse>>, ProblemHttpResult>> List(Guid id, AppsStore apps, ReleasesStore releases, CancellationToken ct)
    {
        if (await apps.GetAsync(id, ct) is null)
            return ProblemTypes.NotFound("The app");
        IReadOnlyList<ReleaseResponse> list = (await releases.ListAsync(id, ct)).Select(r => r.ToResponse()).ToList();
        return TypedResults.Ok(list);
    }

    /// <summary>Get one release with its stages</summary>
    /// <remarks>Stages (queued, building, starting, health-checking, switching, draining, live) with their times, or the stage it failed at and why.</remarks>
    internal static async Task<Results<Ok<ReleaseResponse>, ProblemHttpResult>> Get(Guid id, Guid releaseId, ReleasesStore releases, CancellationToken ct) =>
        await releases.GetAsync(id, releaseId, ct) is { } release ? TypedResults.Ok(release.ToResponse()) : ProblemTypes.NotFound("The release");

    /// <summary>Get a source release's build log</summary>
    /// <remarks>The build output of a release built from source, as a JSON string: readable while the build runs (empty while it is queued).</remarks>
    internal static async Task<Results<Ok<string>, ProblemHttpResult>> BuildLog(Guid id, Guid releaseId, ReleasesStore releases, CancellationToken ct)
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

    /// <summary>Follow a release's stages and build log live (SSE)</summary>
    /// <remarks>Server-Sent Events until the release settles: `release` (the release with its stages, on every change), `build-log` ({text, reset, total}; id = characters printed so far, resume with Last-Event-ID), `end` ({status, stage, failedStage, failureReason}).</remarks>
    internal static async Task<Results<EmptyHttpResult, ProblemHttpResult>> Progress(
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
