using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace PersonalCloud.ControlPlane.OpenApi;

/// <summary>
/// An operation that takes a body or query parameters can be answered 400 (a body that is not JSON it can read, a value
/// out of range), whether or not its handler returns a validation problem itself.
/// </summary>
internal sealed class InputProblems : IOpenApiOperationTransformer
{
    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var takesInput = operation.RequestBody is not null
            || operation.Parameters?.Any(p => p.In == ParameterLocation.Query) == true
            || context.Description.ParameterDescriptions.Any(p => p.Source.Id == "Body");
        return takesInput
            ? OperationSecurity.AddProblemAsync(operation, context, StatusCodes.Status400BadRequest, "The request is not valid: see `errors` per field, or the body's problem.", cancellationToken)
            : Task.CompletedTask;
    }
}
