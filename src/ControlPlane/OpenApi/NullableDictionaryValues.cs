using System.Reflection;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace PersonalCloud.ControlPlane.OpenApi;

/// <summary>
/// A dictionary whose values may be null (env changes: null removes a key) says so in its schema; the generator
/// drops the nullability of generic arguments.
/// </summary>
internal sealed class NullableDictionaryValues : IOpenApiSchemaTransformer
{
    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        if (context.JsonPropertyInfo?.AttributeProvider is PropertyInfo property
            && new NullabilityInfoContext().Create(property).GenericTypeArguments is [_, { ReadState: NullabilityState.Nullable }]
            && schema.AdditionalProperties is OpenApiSchema values)
        {
            values.Type |= JsonSchemaType.Null;
        }

        return Task.CompletedTask;
    }
}
