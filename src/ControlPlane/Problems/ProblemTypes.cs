using Microsoft.AspNetCore.Http.HttpResults;

namespace PersonalCloud.ControlPlane.Problems;

/// <summary>RFC 9457 problem details with a stable <c>type</c> per kind of error.</summary>
public static class ProblemTypes
{
    private const string Base = "https://personalcloud.dev/problems/";

    public static ValidationProblem Validation(IDictionary<string, string[]> errors) =>
        TypedResults.ValidationProblem(errors, title: "The request is not valid.", type: Base + "validation");

    public static ValidationProblem Validation(string field, string message) =>
        Validation(new Dictionary<string, string[]> { [field] = [message] });

    /// <summary>The body is not JSON this operation can read: malformed, a wrong type, or a key given twice (see <see cref="RequestBodyProblems"/>).</summary>
    public const string InvalidJsonType = Base + "invalid-json";

    public static ProblemHttpResult NotFound(string what) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: $"{what} was not found.", type: Base + "not-found");

    public static ProblemHttpResult Conflict(string title, string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: title, detail: detail, type: Base + "conflict");

    /// <summary>Another app holds the hostname (its generated hostname or one of its domains); which one is not said.</summary>
    public static ProblemHttpResult HostnameTaken(string hostname, string whatToDo) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The hostname is taken.",
            detail: $"'{hostname}' already belongs to another app (as its generated hostname or one of its custom domains). {whatToDo}", type: Base + "hostname-taken");

    /// <summary>A variable's name differs only by case from one the app already has (<c>path</c> against a stored <c>PATH</c>).</summary>
    public static ProblemHttpResult EnvKeyConflict(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "An environment variable with that name in another case exists.", detail: detail,
            type: Base + "env-key-conflict");

    public static ProblemHttpResult Unauthorized() =>
        TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "A valid bearer token or dashboard session is required.", type: Base + "unauthorized");

    public static ProblemHttpResult WrongSecret() =>
        TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "The password or token is not correct.", type: Base + "unauthorized");

    public static ProblemHttpResult Antiforgery() =>
        TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "The antiforgery token is missing or not valid.",
            detail: "Send the csrfToken of GET /auth/session in the X-CSRF-Token header; fetch a new one after login or logout.", type: Base + "antiforgery");

    public static ProblemHttpResult TooManyAttempts() =>
        TypedResults.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many login attempts; try again in a minute.", type: Base + "too-many-requests");

    public static ProblemHttpResult SecretUnreadable(string key) =>
        TypedResults.Problem(statusCode: StatusCodes.Status500InternalServerError, title: $"The value of '{key}' cannot be decrypted with the loaded master key.", type: Base + "secret-unreadable");
}
