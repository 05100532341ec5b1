namespace PersonalCloud.ControlPlane.Problems;

/// <summary>
/// Problems the framework writes by itself (status-code pages, a binder's refusal, an unhandled failure) get the
/// platform's stable types and a next step: no answer ever carries a generic type.
/// </summary>
public static class ProblemDetailsCustomization
{
    /// <summary>The type of a problem no handler named more precisely, by status.</summary>
    public static readonly IReadOnlyDictionary<int, string> FallbackTypes = new Dictionary<int, string>
    {
        [StatusCodes.Status400BadRequest] = ProblemTypes.Base + "bad-request",
        [StatusCodes.Status401Unauthorized] = ProblemTypes.Base + "unauthorized",
        [StatusCodes.Status403Forbidden] = ProblemTypes.Base + "forbidden",
        [StatusCodes.Status404NotFound] = ProblemTypes.Base + "not-found",
        [StatusCodes.Status405MethodNotAllowed] = ProblemTypes.Base + "method-not-allowed",
        [StatusCodes.Status409Conflict] = ProblemTypes.Base + "conflict",
        [StatusCodes.Status413PayloadTooLarge] = ProblemTypes.TooLargeType,
        [StatusCodes.Status415UnsupportedMediaType] = ProblemTypes.UnsupportedMediaTypeType,
        [StatusCodes.Status429TooManyRequests] = ProblemTypes.Base + "too-many-requests",
        [StatusCodes.Status500InternalServerError] = ProblemTypes.Base + "internal-error",
        [StatusCodes.Status503ServiceUnavailable] = ProblemTypes.DatabaseUnavailableType,
    };

    public static void Apply(ProblemDetailsContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var problem = context.ProblemDetails;
        if (problem.Type?.StartsWith(ProblemTypes.Base, StringComparison.Ordinal) == true)
            return;
        switch (problem.Status)
        {
            case StatusCodes.Status415UnsupportedMediaType:
                problem.Type = ProblemTypes.UnsupportedMediaTypeType;
                problem.Title = "This endpoint does not take a body of that content type.";
                problem.Detail = "Send the body as JSON with Content-Type: application/json (a deploy also takes a tar.gz build context as application/gzip).";
                break;
            case StatusCodes.Status404NotFound:
                problem.Type = ProblemTypes.Base + "not-found";
                problem.Title = "The resource was not found.";
                break;
            case StatusCodes.Status405MethodNotAllowed:
                problem.Type = ProblemTypes.Base + "method-not-allowed";
                problem.Title = "This resource does not take that method.";
                problem.Detail = "See /openapi/v1.json for the methods each path takes.";
                break;
            case StatusCodes.Status500InternalServerError:
                problem.Type = FallbackTypes[StatusCodes.Status500InternalServerError];
                problem.Title = "The platform failed to answer this request.";
                problem.Detail = "Nothing was changed unless the answer said so; the ControlPlane's log names the error. Try again, or report it.";
                break;
            default:
                problem.Type = problem.Status is { } status && FallbackTypes.TryGetValue(status, out var type) ? type : ProblemTypes.Base + "http-error";
                break;
        }
    }
}
