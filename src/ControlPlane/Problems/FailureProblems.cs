using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;

namespace PersonalCloud.ControlPlane.Problems;

/// <summary>
/// Answers what escaped a handler with problem details of a stable type: 503 naming the database while Postgres does
/// not answer (with Retry-After), 413 for a body over the endpoint's limit, 400 <c>invalid-json</c> for a body the
/// endpoint cannot bind (with <c>ThrowOnBadRequest</c> the binder throws: not JSON, a wrong type, or a key given twice,
/// since <c>AllowDuplicateProperties</c> is off), other bad requests with their status. Anything else is left to the
/// default 500.
/// </summary>
public sealed class FailureProblems(IProblemDetailsService problems) : IExceptionHandler
{
    public const int RetryAfterSeconds = 5;

    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken cancellationToken)
    {
        var status = FailureStatus.Of(exception, clientGone: false);
        var problem = status switch
        {
            StatusCodes.Status503ServiceUnavailable => new ProblemDetails
            {
                Status = status, Type = ProblemTypes.DatabaseUnavailableType,
                Title = ProblemTypes.DatabaseUnavailableTitle, Detail = ProblemTypes.DatabaseUnavailableDetail,
            },
            StatusCodes.Status413PayloadTooLarge => new ProblemDetails
            {
                Status = status, Type = ProblemTypes.TooLargeType,
                Title = ProblemTypes.TooLargeTitle(http.Features.Get<IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize),
                Detail = ProblemTypes.TooLargeDetail,
            },
            >= 400 and < 500 when exception.InnerException is JsonException json => InvalidJson(json),
            >= 400 and < 500 => new ProblemDetails { Status = status, Title = exception.Message },
            _ => null,
        };
        if (problem is null)
            return false;

        http.Response.StatusCode = problem.Status ?? status;
        if (status == StatusCodes.Status503ServiceUnavailable)
            http.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = problem, Exception = exception });
    }

    private static ProblemDetails InvalidJson(JsonException json) => new()
    {
        Status = StatusCodes.Status400BadRequest,
        Type = ProblemTypes.InvalidJsonType,
        Title = "The request body is not valid JSON for this operation.",
        Detail = json.Path is { } path && !json.Message.Contains("Path:", StringComparison.Ordinal)
            ? $"{json.Message} At {path} (line {json.LineNumber + 1}, byte {json.BytePositionInLine})."
            : json.Message,
    };
}
