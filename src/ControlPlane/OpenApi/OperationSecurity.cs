using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace PersonalCloud.ControlPlane.OpenApi;

/// <summary>
/// Who may call an operation, and the problems every protected operation can answer: 401 without a valid token or
/// session, 429 when an anonymous caller sends too much. Operations open to anyone say so with an empty requirement.
/// </summary>
internal sealed class OperationSecurity : IOpenApiOperationTransformer
{
    private const string ProblemSchema = nameof(ProblemDetails);
    private static readonly HashSet<string> Reads = new(StringComparer.OrdinalIgnoreCase) { "GET", "HEAD" };

    public async Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        var isProtected = metadata.OfType<IAuthorizeData>().Any() && !metadata.OfType<IAllowAnonymous>().Any();
        if (!isProtected)
        {
            operation.Security = [];
            return;
        }

        var document = context.Document!;
        var session = new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ApiDocumentInfo.Session, document)] = [] };
        if (!Reads.Contains(context.Description.HttpMethod ?? "GET"))
            session[new OpenApiSecuritySchemeReference(ApiDocumentInfo.Csrf, document)] = [];
        operation.Security =
        [
            new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ApiDocumentInfo.Bearer, document)] = [] },
            session,
        ];

        operation.Responses ??= new OpenApiResponses();
        await AddProblemAsync(operation, context, StatusCodes.Status401Unauthorized, "No valid bearer token or dashboard session.", cancellationToken);
        await AddProblemAsync(operation, context, StatusCodes.Status429TooManyRequests, "Too many requests from an anonymous client; see Retry-After.", cancellationToken);
    }

    /// <summary>An application/problem+json response with the ProblemDetails schema, unless the endpoint declared that status itself.</summary>
    public static async Task AddProblemAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, int status, string description, CancellationToken ct)
    {
        var key = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
        operation.Responses ??= new OpenApiResponses();
        if (operation.Responses.ContainsKey(key))
            return;
        var document = context.Document!;
        if (document.Components?.Schemas?.ContainsKey(ProblemSchema) != true)
            document.AddComponent(ProblemSchema, await context.GetOrCreateSchemaAsync(typeof(ProblemDetails), null, ct));
        operation.Responses[key] = new OpenApiResponse
        {
            Description = description,
            Content = new Dictionary<string, OpenApiMediaType>
            {
                ["application/problem+json"] = new() { Schema = new OpenApiSchemaReference(ProblemSchema, document) },
            },
        };
    }
}
