using Microsoft.AspNetCore.Http.HttpResults;
using PersonalCloud.Contracts.Addons;
using PersonalCloud.Contracts.Api;
using PersonalCloud.Contracts.Secrets;
using PersonalCloud.ControlPlane.Apps;
using PersonalCloud.ControlPlane.Problems;
using PersonalCloud.ControlPlane.Releases;

namespace PersonalCloud.ControlPlane.Addons;

public static class AddonsEndpoints
{
    public static RouteGroupBuilder MapAddons(this RouteGroupBuilder api)
    {
        var addons = api.MapGroup("/apps/{id:guid}/addons").WithTags("Add-ons");
        addons.MapPost("/", Create).WithName("createAddon")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        addons.MapGet("/", List).WithName("listAddons")
            .ProducesProblem(StatusCodes.Status404NotFound);
        addons.MapGet("/{kind}/connection", Reveal).WithName("revealAddonConnection")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        addons.MapDelete("/{kind}", Delete).WithName("deleteAddon")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        return api;
    }

    /// <summary>Add a managed Postgres server to an app</summary>
    /// <remarks>JSON {kind: "postgres", version?: "15"}. One per app. The server runs on the app's network only (host <c>postgres</c>, never published); a deployed app gets a new release with DATABASE_URL (an app env var of that name wins). 202: GET the app's addons until its state is ready.</remarks>
    internal static async Task<Results<Accepted<AcceptedResponse>, ProblemHttpResult>> Create(
        Guid id, CreateAddonRequest request, AddonsStore store, CancellationToken ct)
    {
        var kind = request.Kind?.Trim().ToLowerInvariant();
        if (kind is null || !AddonNames.Kinds.Contains(kind))
        {
            return ProblemTypes.AddonUnsupported($"'{request.Kind}' is not an add-on kind the platform runs.",
                $"Give \"kind\": one of {string.Join(", ", AddonNames.Kinds.Select(k => $"\"{k}\""))}.");
        }

        var version = request.Version?.Trim() is { Length: > 0 } v ? v : AddonNames.PostgresVersions[0];
        if (!AddonNames.PostgresVersions.Contains(version))
        {
            return ProblemTypes.AddonUnsupported($"Postgres {version} is not a version the platform runs.",
                $"Give \"version\": {string.Join(", ", AddonNames.PostgresVersions.Select(x => $"\"{x}\""))}, or leave it out. A major upgrade is a dump and restore into a new add-on (docs/operations.md).");
        }

        var result = await store.CreateAsync(id, kind, version, ct);
        return result.Status switch
        {
            AddonChange.AppNotFound => ProblemTypes.NotFound("The app"),
            AddonChange.Exists => ProblemTypes.AddonExists(kind),
            _ => Accepted(id, result),
        };
    }

    /// <summary>List an app's add-ons</summary>
    /// <remarks>State (pending, starting, ready, failed) with the reconciler's message; the connection string with its password masked.</remarks>
    internal static async Task<Results<Ok<IReadOnlyList<AddonResponse>>, ProblemHttpResult>> List(Guid id, AppsStore apps, AddonsStore store, CancellationToken ct)
    {
        if (await apps.GetAsync(id, ct) is null)
            return ProblemTypes.NotFound("The app");
        IReadOnlyList<AddonResponse> list = (await store.ListAsync(id, ct)).Select(ToResponse).ToList();
        return TypedResults.Ok(list);
    }

    /// <summary>Reveal an add-on's connection string</summary>
    /// <remarks>Needs ?reveal=true; the plaintext connection string with its password. Every reveal is audited.</remarks>
    internal static async Task<Results<Ok<AddonConnectionResponse>, ProblemHttpResult>> Reveal(Guid id, string kind, bool? reveal, AddonsStore store, CancellationToken ct)
    {
        if (reveal != true)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Ask for the password explicitly.",
                detail: "Add ?reveal=true: the connection string holds the database password, and every reveal is audited.", type: ProblemTypes.Base + "reveal-required");
        }

        try
        {
            var url = await store.RevealAsync(id, kind, ct);
            return url is null ? ProblemTypes.NotFound($"The app's {kind} add-on") : TypedResults.Ok(new AddonConnectionResponse(kind, url));
        }
        catch (SecretOpenException)
        {
            return ProblemTypes.SecretUnreadable(AddonNames.DatabaseUrlKey);
        }
    }

    /// <summary>Delete an app's add-on</summary>
    /// <remarks>Needs ?confirm=&lt;app name&gt;. The server stops and a deployed app gets a new release without DATABASE_URL; the data volume is kept (labelled) until a final verified backup exists, and is never deleted by this call.</remarks>
    internal static async Task<Results<Accepted<AcceptedResponse>, ProblemHttpResult>> Delete(Guid id, string kind, string? confirm, AddonsStore store, CancellationToken ct)
    {
        var result = await store.DeleteAsync(id, kind, confirm, ct);
        return result.Status switch
        {
            AddonChange.AppNotFound => ProblemTypes.NotFound("The app"),
            AddonChange.NotFound => ProblemTypes.NotFound($"The app's {kind} add-on"),
            AddonChange.WrongConfirmation => ProblemTypes.ConfirmationRequired($"deleting the {kind} add-on", result.AppName!),
            _ => Accepted(id, result),
        };
    }

    private static Accepted<AcceptedResponse> Accepted(Guid id, AddonChangeResult result)
    {
        var status = $"/api/apps/{id}/addons";
        return TypedResults.Accepted(status, new AcceptedResponse(id, result.Generation, status, result.Release?.ToResponse()));
    }

    private static AddonResponse ToResponse(AddonRow r) => new(
        r.Id, r.Kind, r.Version, r.State ?? "pending", r.Message, r.Host, AddonNames.PostgresPort, r.DatabaseName, r.UserName,
        AddonNames.PostgresUrl(r.UserName, AddonNames.Mask, r.Host, r.DatabaseName), AddonNames.DatabaseUrlKey, r.EnvOverridden,
        ReleaseRow.Utc(r.CreatedAt), r.ReadyAt is { } ready ? ReleaseRow.Utc(ready) : null);
}
