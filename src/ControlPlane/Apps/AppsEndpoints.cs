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
        apps.MapPost("/", Create).WithName("createApp")
            .ProducesProblem(StatusCodes.Status409Conflict);
        apps.MapGet("/", List).WithName("listApps");
        apps.MapGet("/{id:guid}", Get).WithName("getApp")
            .ProducesProblem(StatusCodes.Status404NotFound);
        apps.MapPatch("/{id:guid}", Update).WithName("updateApp")
            .ProducesProblem(StatusCodes.Status404NotFound);
        apps.MapDelete("/{id:guid}", Delete).WithName("deleteApp")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        return api;
    }

    /// <summary>Create an app (and deploy it when an image is given)</summary>
    /// <remarks>201 with the app. With a template (GET /api/templates) the app gets its settings, processes, volumes, add-ons and env (generated secrets made for this app) before its first release; fields given in the request win. The name becomes the generated hostname &lt;name&gt;.&lt;base domain&gt;. With an image the first release is made at once and named as deployingRelease. Limits are checked against what the host has.</remarks>
    internal static async Task<Results<Created<AppResponse>, ValidationProblem, ProblemHttpResult>> Create(
        CreateAppRequest request, AppsStore store, ReleasesStore releases, AppReleaseSummaries summaries, AppResponses responses,
        AppSettingsRules settings, Processes.ProcessRequests processRequests, Templates.TemplateCatalog templates,
        Templates.TemplateApplier templateApplier, TimeProvider time, CancellationToken ct)
    {
        var (template, templateError) = FindTemplate(request.Template, templates);
        if (templateError is not null)
            return ProblemTypes.Validation(new ValidationErrors().Check("template", templateError).ToDictionary());
        if (template is not null)
            request = Contracts.Templates.TemplateMerge.Into(request, template);

        var errors = new ValidationErrors()
            .Check("name", ValidationRules.AppName(request.Name) ?? responses.DashboardClash(request.Name!))
            .Check("image", request.Image is null ? null : ValidationRules.Image(request.Image));
        errors = await settings.CheckAsync(errors, request.Port, request.Limits, request.SecurityProfile, request.HealthCheck, request.Rollout, ct);
        var (processes, processErrors) = await CheckProcessesAsync(request.Processes, processRequests, ct);
        foreach (var (field, messages) in processErrors.ToDictionary())
            errors.Check(field, messages[0]);
        errors.Check("template", TemplateVolumeProcesses(template, processes));
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
            request.RunAsRoot ?? false,
            processes);

        switch (await store.CreateAsync(app, ct))
        {
            case CreateAppOutcome.NameTaken:
                return ProblemTypes.Conflict("The app name is taken.", $"An app named '{app.Name}' already exists.");
            case CreateAppOutcome.HostnameTaken:
                return ProblemTypes.HostnameTaken(app.GeneratedHostname, "Choose another app name, or remove that domain from the other app first.");
        }

        // A template's env and volumes go in before the first release, so it carries them.
        if (template is not null)
            await templateApplier.ApplyAsync(app.Id, template, ct);
        if (request.Image is not null)
            await releases.CreateAsync(app.Id, ReleaseSource.FromImage(request.Image), ct);

        // Creating with an image deploys it: the response names that release as the one on its way.
        var row = (await store.GetAsync(app.Id, ct))!;
        var summary = (await summaries.ReadAsync([row], ct))[row.Id];
        return TypedResults.Created($"/api/apps/{app.Id}", responses.ToResponse(row, summary) with { JobAlerts = [] });
    }

    /// <summary>A template's volume may name only processes the app is made with.</summary>
    private static string? TemplateVolumeProcesses(Contracts.Templates.AppTemplate? template, IReadOnlyList<Processes.ProcessInput> processes)
    {
        var unknown = (template?.Volumes ?? []).SelectMany(v => v.Processes ?? []).Where(p => processes.All(x => x.Name != p)).Distinct().ToList();
        return unknown.Count == 0 ? null
            : $"The template mounts a volume into {string.Join(", ", unknown.Select(p => $"'{p}'"))}, which the app will not have: give that process in \"processes\", or fix the template.";
    }

    private static (Contracts.Templates.AppTemplate? Template, string? Error) FindTemplate(string? name, Templates.TemplateCatalog templates)
    {
        if (name is null)
            return (null, null);
        return templates.Find(name) switch
        {
            null => (null, $"There is no template named '{name}': GET /api/templates lists them."),
            { Usable: false } entry => (null, $"The template '{name}' ({entry.Source}) has errors, fix them first: {string.Join("; ", entry.Errors)}"),
            var entry => (entry.Template, null),
        };
    }

    /// <summary>The processes an app is created with: each checked, names distinct, at most one web; none given: one web process.</summary>
    private static async Task<(IReadOnlyList<Processes.ProcessInput> Processes, ValidationErrors Errors)> CheckProcessesAsync(
        IReadOnlyList<ProcessRequest>? requested, Processes.ProcessRequests checker, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        if (requested is null)
        {
            return ([new Processes.ProcessInput(Contracts.Processes.ProcessLimits.DefaultWebName, Contracts.Processes.ProcessKinds.Web, null,
                Contracts.Processes.ProcessLimits.DefaultReplicas, null, null, null, null, Contracts.Processes.UpdateOrders.StartFirst)], errors);
        }

        if (requested.Count > Contracts.Processes.ProcessLimits.MaxProcesses)
            return ([], errors.Check("processes", $"An app has at most {Contracts.Processes.ProcessLimits.MaxProcesses} processes."));
        var processes = new List<Processes.ProcessInput>();
        for (var i = 0; i < requested.Count; i++)
        {
            var (process, found) = await checker.CheckAsync(requested[i], null, $"processes[{i}].", ct);
            foreach (var (field, messages) in found.ToDictionary())
                errors.Check(field, messages[0]);
            if (process is null)
                continue;
            if (processes.Any(p => p.Name == process.Name))
                errors.Check($"processes[{i}].name", $"'{process.Name}' is given twice.");
            else if (process.Kind == Contracts.Processes.ProcessKinds.Web && processes.Any(p => p.Kind == Contracts.Processes.ProcessKinds.Web))
                errors.Check($"processes[{i}].kind", "An app has at most one web process: it takes the app's hostnames.");
            processes.Add(process);
        }

        return (processes, errors);
    }

    /// <summary>List apps with their status</summary>
    /// <remarks>Every app with its status, serving release, last failed release and the one deploying.</remarks>
    internal static async Task<Ok<IReadOnlyList<AppResponse>>> List(
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

    /// <summary>Get an app: status, releases, settings</summary>
    /// <remarks>The serving release (currentRelease), the newest failed one after it with its last lines (lastFailedRelease), the one on its way (deployingRelease), settings and crash counts.</remarks>
    internal static async Task<Results<Ok<AppResponse>, ProblemHttpResult>> Get(
        Guid id, AppsStore store, AppReleaseSummaries summaries, AppResponses responses, Jobs.JobAlerts jobAlerts, CancellationToken ct)
    {
        var row = await store.GetAsync(id, ct);
        if (row is null)
            return ProblemTypes.NotFound("The app");
        var alerts = await jobAlerts.ReadAsync([id], ct);
        return TypedResults.Ok(responses.ToResponse(row, (await summaries.ReadAsync([row], ct))[row.Id]) with { JobAlerts = alerts.GetValueOrDefault(id) ?? [] });
    }

    /// <summary>Change an app's settings and roll them out</summary>
    /// <remarks>Changes port, limits, security profile, health check or rollout settings (JSON merge patch: fields left out keep their value), validated as at creation. A deployed app gets a new release of the same image and env that rolls out with zero downtime; 202 names it. Setting every field to what it already is changes nothing (202, no release).</remarks>
    internal static async Task<Results<Accepted<AcceptedResponse>, ValidationProblem, ProblemHttpResult>> Update(
        Guid id, UpdateAppRequest request, AppSettingsStore store, AppSettingsRules settings, CancellationToken ct)
    {
        var errors = await settings.CheckAsync(new ValidationErrors(), request.Port, request.Limits, request.SecurityProfile,
            request.HealthCheck, request.Rollout, ct);
        if (errors.Any)
            return ProblemTypes.Validation(errors.ToDictionary());

        var result = await store.UpdateAsync(id, request, ct);
        if (result.Change == SettingsChange.AppNotFound)
            return ProblemTypes.NotFound("The app");
        var status = $"/api/apps/{id}";
        return TypedResults.Accepted(status, new AcceptedResponse(id, result.Generation, status, result.Release?.ToResponse()));
    }

    /// <summary>Delete an app with its containers, routes and data</summary>
    /// <remarks>202: the reconciler stops and removes its containers, route, network and built images shortly after. An app with volumes needs ?confirm=&lt;app name&gt; (409 app-delete-unconfirmed without it); its volumes' data is kept until a final verified backup of each exists (GET /api/volumes lists them meanwhile).</remarks>
    internal static async Task<Results<Accepted<AcceptedResponse>, ProblemHttpResult>> Delete(
        Guid id, [Microsoft.AspNetCore.Mvc.FromQuery] string? confirm, AppsStore store, Volumes.VolumesStore volumes, CancellationToken ct)
    {
        if (await volumes.VolumesOfAppAsync(id, ct) is not { } app)
            return ProblemTypes.NotFound("The app");
        if (app.Volumes.Count > 0 && !VolumeRules.Confirms(confirm, app.AppName))
            return ProblemTypes.AppDeleteUnconfirmed(app.AppName, app.Volumes);
        if (!await store.DeleteAsync(id, ct))
            return ProblemTypes.NotFound("The app");
        var status = $"/api/apps/{id}";
        return TypedResults.Accepted(status, new AcceptedResponse(id, 0, status));
    }
}
