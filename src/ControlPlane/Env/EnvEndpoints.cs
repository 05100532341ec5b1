using Microsoft.AspNetCore.Http.HttpResults;
using PersonalCloud.Contracts.Api;
using PersonalCloud.Contracts.Secrets;
using PersonalCloud.Contracts.Validation;
using PersonalCloud.ControlPlane.Apps;
using PersonalCloud.ControlPlane.Problems;
using PersonalCloud.ControlPlane.Releases;

namespace PersonalCloud.ControlPlane.Env;

public static class EnvEndpoints
{
    public static RouteGroupBuilder MapEnv(this RouteGroupBuilder api)
    {
        var env = api.MapGroup("/apps/{id:guid}/env").WithTags("Env");
        env.MapPost("/", Set);
        env.MapGet("/", List);
        env.MapGet("/{key}", Reveal);
        env.MapDelete("/{key}", Remove);
        return api;
    }

    private static async Task<Results<Accepted<AcceptedResponse>, ValidationProblem, ProblemHttpResult>> Set(
        Guid id, SetEnvRequest request, EnvStore store, CancellationToken ct)
    {
        if (request.Vars is null || request.Vars.Count == 0)
            return ProblemTypes.Validation("vars", "Give at least one variable: {\"vars\": {\"KEY\": \"value\"}} (null removes one).");
        var errors = new ValidationErrors();
        foreach (var (key, value) in request.Vars)
            errors.Check($"vars.{key}", ValidationRules.EnvKeyName(key) ?? ValidationRules.EnvValue(value));
        errors.Check("vars", EnvLimits.CaseClashInRequest(request.Vars.Where(v => v.Value is not null).Select(v => v.Key)));
        if (errors.Any)
            return ProblemTypes.Validation(errors.ToDictionary());

        return Accepted(id, await store.SetAsync(id, request.Vars, ct));
    }

    /// <summary>202 with the generation to wait for, or the problem the store found with the app's environment as a whole.</summary>
    private static Results<Accepted<AcceptedResponse>, ValidationProblem, ProblemHttpResult> Accepted(Guid id, EnvSetResult result)
    {
        var status = $"/api/apps/{id}";
        return result.Status switch
        {
            EnvSetStatus.AppNotFound => ProblemTypes.NotFound("The app"),
            EnvSetStatus.CaseConflict => ProblemTypes.EnvKeyConflict(result.Message!),
            EnvSetStatus.OverLimit => ProblemTypes.Validation("vars", result.Message!),
            _ => TypedResults.Accepted(status, new AcceptedResponse(id, result.Generation, status, result.Release?.ToResponse())),
        };
    }

    private static async Task<Results<Ok<IReadOnlyList<EnvVarResponse>>, ProblemHttpResult>> List(Guid id, AppsStore apps, EnvStore store, CancellationToken ct)
    {
        if (await apps.GetAsync(id, ct) is null)
            return ProblemTypes.NotFound("The app");
        IReadOnlyList<EnvVarResponse> list = (await store.ListAsync(id, ct))
            .Select(r => new EnvVarResponse(r.Key, ReleaseRow.Utc(r.CreatedAt), ReleaseRow.Utc(r.UpdatedAt)))
            .ToList();
        return TypedResults.Ok(list);
    }

    /// <summary>The one way to read a value in plaintext: ask for it by name.</summary>
    private static async Task<Results<Ok<EnvValueResponse>, ProblemHttpResult>> Reveal(Guid id, string key, EnvStore store, CancellationToken ct)
    {
        try
        {
            var value = await store.RevealAsync(id, key, ct);
            return value is null ? ProblemTypes.NotFound($"The variable '{key}'") : TypedResults.Ok(new EnvValueResponse(key, value));
        }
        catch (SecretOpenException)
        {
            return ProblemTypes.SecretUnreadable(key);
        }
    }

    private static async Task<Results<Accepted<AcceptedResponse>, ValidationProblem, ProblemHttpResult>> Remove(Guid id, string key, EnvStore store, CancellationToken ct) =>
        Accepted(id, await store.SetAsync(id, new Dictionary<string, string?> { [key] = null }, ct));
}
