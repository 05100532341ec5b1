using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using PersonalCloud.Contracts.Api;
using PersonalCloud.Contracts.Validation;
using PersonalCloud.ControlPlane.Apps;
using PersonalCloud.ControlPlane.Hosting;
using PersonalCloud.ControlPlane.Problems;
using PersonalCloud.ControlPlane.Releases;

namespace PersonalCloud.ControlPlane.Domains;

public static class DomainsEndpoints
{
    public static RouteGroupBuilder MapDomains(this RouteGroupBuilder api)
    {
        var domains = api.MapGroup("/apps/{id:guid}/domains").WithTags("Domains");
        domains.MapPost("/", Add).WithName("addDomain")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        domains.MapGet("/", List).WithName("listDomains")
            .ProducesProblem(StatusCodes.Status404NotFound);
        domains.MapDelete("/{hostname}", Remove).WithName("removeDomain")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return api;
    }

    /// <summary>Route a custom domain to the app</summary>
    /// <remarks>201 when added, 200 when the app had it already; 409 when another app holds the hostname (as a domain or its generated hostname). IP literals and the platform's own zones are refused.</remarks>
    internal static async Task<Results<Created<DomainResponse>, Ok<DomainResponse>, ValidationProblem, ProblemHttpResult>> Add(
        Guid id, AddDomainRequest request, DomainsStore store, IOptions<ControlPlaneOptions> options, CancellationToken ct)
    {
        var hostname = request.Hostname?.Trim().TrimEnd('.').ToLowerInvariant();
        if (ValidationRules.Hostname(hostname) is { } error)
            return ProblemTypes.Validation("hostname", error);
        if (hostname == options.Value.DashboardHost)
            return ProblemTypes.Conflict("The hostname is taken.", $"'{hostname}' is the platform's dashboard.");

        var (outcome, domain) = await store.AddAsync(id, hostname!, ct);
        return outcome switch
        {
            AddDomainOutcome.AppNotFound => ProblemTypes.NotFound("The app"),
            AddDomainOutcome.TakenByAnotherApp => ProblemTypes.HostnameTaken(hostname!, "Remove it from that app first, or add another hostname."),
            AddDomainOutcome.ThisAppsGeneratedHostname => ProblemTypes.Conflict("The hostname is already this app's.", $"'{hostname}' is this app's generated hostname; it needs no domain."),
            AddDomainOutcome.AlreadyThisApps => TypedResults.Ok(ToResponse(domain!)),
            _ => TypedResults.Created($"/api/apps/{id}/domains", ToResponse(domain!)),
        };
    }

    /// <summary>List the app's custom domains</summary>
    /// <remarks>The custom hostnames that reach this app, besides its generated one.</remarks>
    internal static async Task<Results<Ok<IReadOnlyList<DomainResponse>>, ProblemHttpResult>> List(Guid id, AppsStore apps, DomainsStore store, CancellationToken ct)
    {
        if (await apps.GetAsync(id, ct) is null)
            return ProblemTypes.NotFound("The app");
        IReadOnlyList<DomainResponse> list = (await store.ListAsync(id, ct)).Select(ToResponse).ToList();
        return TypedResults.Ok(list);
    }

    /// <summary>Stop routing a custom domain to the app</summary>
    /// <remarks>204; the hostname answers 404 shortly after.</remarks>
    internal static async Task<Results<NoContent, ProblemHttpResult>> Remove(Guid id, string hostname, DomainsStore store, CancellationToken ct) =>
        await store.RemoveAsync(id, hostname.ToLowerInvariant(), ct) ? TypedResults.NoContent() : ProblemTypes.NotFound("The domain");

    private static DomainResponse ToResponse(DomainRow row) => new(
        row.Id, row.AppId, row.Hostname, row.VerifiedAt is { } v ? ReleaseRow.Utc(v) : null, row.ProxyTarget, ReleaseRow.Utc(row.CreatedAt));
}
