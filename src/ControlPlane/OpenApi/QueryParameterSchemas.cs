using System.Globalization;
using System.Reflection;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Mvc.Infrastructure;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace PersonalCloud.ControlPlane.OpenApi;

/// <summary>Gives each query parameter marked with <see cref="QueryValueAttribute"/> the schema it really takes.</summary>
internal sealed class QueryParameterSchemas : IOpenApiOperationTransformer
{
    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        foreach (var description in context.Description.ParameterDescriptions)
        {
            if (Attribute(description.ParameterDescriptor) is not { } value)
                continue;
            var parameter = operation.Parameters?.OfType<OpenApiParameter>()
                .FirstOrDefault(p => p.In == ParameterLocation.Query && p.Name == description.Name);
            if (parameter is null)
                continue;
            var schema = new OpenApiSchema { Type = value.Type, Format = value.Format };
            if (!double.IsNaN(value.Minimum))
                schema.Minimum = value.Minimum.ToString(CultureInfo.InvariantCulture);
            if (!double.IsNaN(value.Maximum))
                schema.Maximum = value.Maximum.ToString(CultureInfo.InvariantCulture);
            if (value.Values is { } values)
                schema.Enum = values.Select(v => (JsonNode)JsonValue.Create(v)).ToList();
            parameter.Schema = schema;
            parameter.Description ??= value.Description;
        }

        return Task.CompletedTask;
    }

    private static QueryValueAttribute? Attribute(ParameterDescriptor? descriptor) => descriptor switch
    {
        IParameterInfoParameterDescriptor { ParameterInfo: var info } => info.GetCustomAttribute<QueryValueAttribute>(),
        IPropertyInfoParameterDescriptor { PropertyInfo: var property } => property.GetCustomAttribute<QueryValueAttribute>(),
        _ => null,
    };
}
