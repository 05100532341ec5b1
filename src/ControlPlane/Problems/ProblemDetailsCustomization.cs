namespace PersonalCloud.ControlPlane.Problems;

/// <summary>Problems the framework writes by itself (status-code pages) get the platform's stable types and a next step.</summary>
public static class ProblemDetailsCustomization
{
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
        }
    }
}
