using Microsoft.AspNetCore.Http.HttpResults;
using PersonalCloud.Contracts.Api;
using PersonalCloud.Contracts.Apps;
using PersonalCloud.Contracts.Validation;
using PersonalCloud.ControlPlane.Hosting;
using PersonalCloud.ControlPlane.Problems;
using PersonalCloud.ControlPlane.Releases;

namespace PersonalCloud.ControlPlane.Apps;

public static class AppsEndpoints
{
    public static RouteGroupBuilder MapApps(this RouteGroupBuilder api)
    {
        var apps = api.MapGroup("/apps").WithTags("Apps");
        apps.MapPost("/", Create);
        apps.MapGet("/", List);
        apps.MapGet("/{id:guid}", Get).WithName("GetApp");
        apps.MapDelete("/{id:guid}", Delete);
        return api;
    }

    private static async Task<Results<Created<AppResponse>, ValidationProblem, ProblemHttpResult>> Create(
        CreateAppRequest request, AppsStore store, ReleasesStore releases, AppReleaseSummaries summaries, AppResponses responses,
        AppLimitsRules limits, TimeProvider time, CancellationToken ct)
    {
        var errors = new ValidationErrors()
            .Check("name", ValidationRules.AppName(request.Name) ?? responses.DashboardClash(request.Name!))
            .Check("image", request.Image is null ? null : ValidationRules.Image(request.Image))
            .Check("port", ValidationRules.Port(request.Port));
        errors = (await limits.CheckAsync(errors, request.Limits, ct))
            .Check("securityProfile", request.SecurityProfile is null || SecurityProfiles.IsKnown(request.SecurityProfile) ? null : "A security profile is 'default' or 'strict'.")
            .Check("healthCheck.path", ValidationRules.HealthPath(request.HealthCheck?.Path))
            .Check("healthCheck.intervalSeconds", ValidationRules.HealthInterval(request.HealthCheck?.IntervalSeconds))
            .Check("healthCheck.timeoutSeconds", ValidationRules.Between(request.HealthCheck?.TimeoutSeconds, 1, 60, "A health-check timeout"))
            .Check("healthCheck.healthyThreshold", ValidationRules.Between(request.HealthCheck?.HealthyThreshold, 1, 20, "A healthy threshold"))
            .Check("healthCheck.unhealthyThreshold", ValidationRules.Between(request.HealthCheck?.UnhealthyThreshold, 1, 100, "An unhealthy threshold"))
            .Check("healthCheck.deployDeadlineSeconds", ValidationRules.Between(request.HealthCheck?.DeployDeadlineSeconds, 5, 3600, "A deploy deadline"))
            .Check("rollout.drainSeconds", ValidationRules.Between(request.Rollout?.DrainSeconds, 0, 600, "A drain period"))
            .Check("rollout.stopTimeoutSeconds", ValidationRules.Between(request.Rollout?.StopTimeoutSeconds, 1, 600, "A stop timeout"));
        if (errors.Any)
            return ProblemTypes.Validation(errors.ToDictionary());

        var app = new NewApp(
            Guid.CreateVersion7(),
            request.Name!,
            request.Image,
            request.Port,
            request.Limits?.MemoryMb ?? AppDefaults.MemoryMb,
            request.Limits?.Cpus ?? AppDefaults.Cpus,
            request.Limits?.Pids ?? AppDefaults.Pids,
            request.SecurityProfile ?? SecurityProfiles.Default,
            responses.GeneratedHostname(request.Name!),
            new NewHealthCheck(
                request.HealthCheck?.Path ?? AppDefaults.HealthPath,
                request.HealthCheck?.IntervalSeconds ?? AppDefaults.HealthIntervalSeconds,
                request.HealthCheck?.TimeoutSeconds ?? AppDefaults.HealthTimeoutSeconds,
                request.HealthCheck?.HealthyThreshold ?? AppDefaults.HealthyThreshold,
                request.HealthCheck?.UnhealthyThreshold ?? AppDefaults.UnhealthyThreshold,
                request.HealthCheck?.DeployDeadlineSeconds ?? AppDefaults.DeployDeadlineSeconds),
            request.Rollout?.DrainSeconds ?? AppDefaults.DrainSeconds,
            request.Rollout?.StopTimeoutSeconds ?? AppDefaults.StopTimeoutSeconds,
            time.GetUtcNow(),
            request.RunAsRoot ?? false);

        switch (await store.CreateAsync(app, ct))
        {
            case CreateAppOutcome.NameTaken:
                return ProblemTypes.Conflict("The app name is taken.", $"An app named '{app.Name}' already exists.");
            case CreateAppOutcome.HostnameTaken:
                return ProblemTypes.HostnameTaken(app.GeneratedHostname, "Choose another app name, or remove that domain from the other app first.");
        }

        if (request.Image is not null)
            await releases.CreateAsync(app.Id, ReleaseSource.FromImage(request.Image), ct);

        // Creating with an image deploys it: the response names that release as the one on its way.
        var row = (await store.GetAsync(app.Id, ct))!;
        var summary = (await summaries.ReadAsync([row], ct))[row.Id];
        return TypedResults.Created($"/api/apps/{app.Id}", responses.ToResponse(row, summary) with { JobAlerts = [] });
    }

    private static async Task<Ok<IReadOnlyList<AppResponse>>> List(
        AppsStore store, AppReleaseSummaries summaries, AppResponses responses, Jobs.JobAlerts jobAlerts, CancellationToken ct)
    {
        var rows = await store.ListAsync(ct);
        var releases = await summaries.ReadAsync(rows, ct);
        var alerts = await jobAlerts.ReadAsync(rows.Select(r => r.Id).ToList(), ct);
        IReadOnlyList<AppResponse> list = rows
            .Select(r => responses.ToResponse(r, releases.GetValueOrDefault(r.Id) ?? AppReleaseSummary.None) with { JobAlerts = alerts.GetValueOrDefault(r.Id) ?? [] })
            .ToList();
        return TypedResults.Ok(list);
    }

    private static async Task<Results<Ok<AppResponse>, ProblemHttpResult>> Get(
        Guid id, AppsStore store, AppReleaseSummaries summaries, AppResponses responses, Jobs.JobAlerts jobAlerts, CancellationToken ct)
    {
        var row = await store.GetAsync(id, ct);
        if (row is null)
            return ProblemTypes.NotFound("The app");
        var alerts = await jobAlerts.ReadAsync([id], ct);
        return TypedResults.Ok(responses.ToResponse(row, (await summaries.ReadAsync([row], ct))[row.Id]) with { JobAlerts = alerts.GetValueOrDefault(id) ?? [] });
    }

    private static async Task<Results<Accepted<AcceptedResponse>, ProblemHttpResult>> Delete(Guid id, AppsStore store, CancellationToken ct)
    {
        if (!await store.DeleteAsync(id, ct))
            return ProblemTypes.NotFound("The app");
        var status = $"/api/apps/{id}";
        return TypedResults.Accepted(status, new AcceptedResponse(id, 0, status));
    }
}
