using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using PersonalCloud.Contracts.Api;
using PersonalCloud.Contracts.Routing;
using PersonalCloud.ControlPlane.Apps;
using PersonalCloud.ControlPlane.Hosting;
using PersonalCloud.ControlPlane.Problems;

namespace PersonalCloud.ControlPlane.Dashboard;

public static class InternalsEndpoints
{
    public static RouteGroupBuilder MapInternals(this RouteGroupBuilder api)
    {
        api.MapGet("/apps/{id:guid}/internals", Get).WithTags("Internals").WithName("getAppInternals")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return api;
    }

    /// <summary>Look under the hood of an app</summary>
    /// <remarks>Container lifecycles with durations and `docker run` (no secret values), the reconciler's last plan, the route and its DNS answers, Caddy's config, the network.</remarks>
    internal static async Task<Results<Ok<AppInternalsResponse>, ProblemHttpResult>> Get(
        Guid id, AppsStore apps, InternalsStore store, IOptions<ControlPlaneOptions> options, CancellationToken ct)
    {
        var app = await apps.GetAsync(id, ct);
        if (app is null)
            return ProblemTypes.NotFound("The app");
        var rows = await store.ReadAsync(id, ct);
        var o = options.Value;
        return TypedResults.Ok(AppInternals.Build(app, rows, RouteAnswerSettings.Create(o.FallbackPort, o.DashboardHost)));
    }
}
