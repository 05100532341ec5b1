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
        env.MapPost("/", Set).WithName("setEnv")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        env.MapGet("/", List).WithName("listEnv")
            .ProducesProblem(StatusCodes.Status404NotFound);
        env.MapGet("/{key}", Reveal).WithName("revealEnvValue")
            .ProducesProblem(StatusCodes.Status404NotFound);
        env.MapDelete("/{key}", Remove).WithName("removeEnvVar")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return api;
    }

    /// <summary>Set or remove environment variables and roll them out</summary>
    /// <remarks>JSON {vars:{KEY: value or null}}: null removes the key. Values are sealed at rest. A deployed app gets a new release carrying them. Names differing only by case are refused (400 in one request, 409 against a stored one); count and size are capped.</remarks>
    internal static async Task<Results<Accepted<AcceptedResponse>, ValidationProblem, ProblemHttpResult>> Set(
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

    /// <summary>List an app's variable names</summary>
    /// <remarks>Names and times only: values are never listed.</remarks>
    internal static async Task<Results<Ok<IReadOnlyList<EnvVarResponse>>, ProblemHttpResult>> List(Guid id, AppsStore apps, EnvStore store, CancellationToken ct)
    {
        if (await apps.GetAsync(id, ct) is null)
            return ProblemTypes.NotFound("The app");
        IReadOnlyList<EnvVarResponse> list = (await store.ListAsync(id, ct))
            .Select(r => new EnvVarResponse(r.Key, ReleaseRow.Utc(r.CreatedAt), ReleaseRow.Utc(r.UpdatedAt)))
            .ToList();
        return TypedResults.Ok(list);
    }

    /// <summary>Reveal one variable's value</summary>
    /// <remarks>The plaintext value of one variable; every reveal is audited.</remarks>
    internal static async Task<Results<Ok<EnvValueResponse>, ProblemHttpResult>> Reveal(Guid id, string key, EnvStore store, CancellationToken ct)
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

    /// <summary>Remove one variable and roll the change out</summary>
    /// <remarks>A deployed app gets a new release without it.</remarks>
    internal static async Task<Results<Accepted<AcceptedResponse>, ValidationProblem, ProblemHttpResult>> Remove(Guid id, string key, EnvStore store, CancellationToken ct) =>
        Accepted(id, await store.SetAsync(id, new Dictionary<string, string?> { [key] = null }, ct));
}
