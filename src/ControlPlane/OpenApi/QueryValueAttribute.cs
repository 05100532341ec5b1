using Microsoft.OpenApi;

namespace PersonalCloud.ControlPlane.OpenApi;

/// <summary>
/// What a query parameter the endpoint parses by hand (so a bad value gets a problem naming the field) really takes,
/// for the document: its JSON Schema type and format, bounds and allowed values. Read by <see cref="QueryParameterSchemas"/>.
/// </summary>
[AttributeUsage(AttributeTargets.Parameter | AttributeTargets.Property)]
public sealed class QueryValueAttribute(JsonSchemaType type) : Attribute
{
    public JsonSchemaType Type { get; } = type;

    public string? Format { get; init; }

    /// <summary>Inclusive; NaN when there is none (attribute arguments cannot be nullable).</summary>
    public double Minimum { get; init; } = double.NaN;

    public double Maximum { get; init; } = double.NaN;

    public string[]? Values { get; init; }

    public string? Description { get; init; }
}
