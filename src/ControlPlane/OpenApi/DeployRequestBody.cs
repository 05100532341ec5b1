using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using PersonalCloud.Contracts.Api;
using PersonalCloud.ControlPlane.Releases;

namespace PersonalCloud.ControlPlane.OpenApi;

/// <summary>
/// The deploy endpoint reads its body by hand (JSON, a raw tar.gz, or nothing to redeploy), so routing never answers 415
/// to a bodiless redeploy; the document still says what it takes.
/// </summary>
internal static class DeployRequestBody
{
    public static async Task DescribeAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken ct)
    {
        var json = await context.GetOrCreateSchemaAsync(typeof(DeployRequest), null, ct);
        var content = new Dictionary<string, OpenApiMediaType>
        {
            ["application/json"] = new() { Schema = json },
        };
        foreach (var type in SourceArchive.ContentTypes)
            content[type] = new OpenApiMediaType { Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" } };
        operation.RequestBody = new OpenApiRequestBody
        {
            Required = false,
            Description = "JSON {image} or {git:{url,ref}}; or a tar.gz build context with a Dockerfile as the raw body (at most 64 MB, else 413); no body redeploys the current image.",
            Content = content,
        };
    }
}
