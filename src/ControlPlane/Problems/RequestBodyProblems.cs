using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace PersonalCloud.ControlPlane.Problems;

/// <summary>
/// A request the endpoints cannot bind (with <c>ThrowOnBadRequest</c> the binder throws instead of answering a bare 400):
/// a body that is not JSON, has a wrong type, or repeats a key (<c>AllowDuplicateProperties</c> is off, so
/// <c>{"vars":{"KEY":"a","KEY":"b"}}</c> never silently keeps the last) gets 400 <c>invalid-json</c> saying what and
/// where; any other binding failure keeps its status code. Never a 500.
/// </summary>
public sealed class RequestBodyProblems(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException bad)
            return false;

        var json = bad.InnerException as JsonException;
        var details = json is null
            ? new ProblemDetails { Status = bad.StatusCode, Title = bad.Message }
            : new ProblemDetails
            {
                Status = StatusCodes.Status400BadRequest,
                Type = ProblemTypes.InvalidJsonType,
                Title = "The request body is not valid JSON for this operation.",
                Detail = json.Path is { } path && !json.Message.Contains("Path:", StringComparison.Ordinal) ? $"{json.Message} At {path} (line {json.LineNumber + 1}, byte {json.BytePositionInLine})." : json.Message,
            };
        httpContext.Response.StatusCode = details.Status ?? StatusCodes.Status400BadRequest;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = details, Exception = exception });
    }
}
