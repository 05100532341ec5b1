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

    public static ProblemHttpResult NotFound(string what) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: $"{what} was not found.", type: Base + "not-found");

    public static ProblemHttpResult Conflict(string title, string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: title, detail: detail, type: Base + "conflict");

    public static ProblemHttpResult Unauthorized() =>
        TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "A valid bearer token is required.", type: Base + "unauthorized");

    public static ProblemHttpResult SecretUnreadable(string key) =>
        TypedResults.Problem(statusCode: StatusCodes.Status500InternalServerError, title: $"The value of '{key}' cannot be decrypted with the loaded master key.", type: Base + "secret-unreadable");
}
