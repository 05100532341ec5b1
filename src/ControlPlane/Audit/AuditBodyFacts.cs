using System.Text;
using System.Text.Json;

namespace PersonalCloud.ControlPlane.Audit;

/// <summary>
/// What an audit summary may say about a JSON body: its top-level field names, the values of a short allow-list
/// of non-secret fields, and the names (never the values) of the variables under "vars". Read tolerantly from a
/// possibly truncated prefix: whatever was parsed before the data ran out or broke is kept.
/// </summary>
public sealed record AuditBodyFacts
{
    /// <summary>Paths whose scalar values are not secret and name what changed.</summary>
    public static readonly IReadOnlySet<string> AllowedValues = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "name", "image", "hostname", "releaseId", "git.url", "git.ref", "maskSecretsInLogs", "retention.lines", "retention.hours", "schedule", "timeZone",
        "process", "kind", "version", "mountPath", "backupId", "mode",
    };

    public static readonly AuditBodyFacts None = new();

    public IReadOnlyList<string> Fields { get; init; } = [];

    public IReadOnlyDictionary<string, string> Values { get; init; } = new Dictionary<string, string>();

    /// <summary>Variables under "vars" with a value (set)...</summary>
    public IReadOnlyList<string> VarsSet { get; init; } = [];

    /// <summary>...and with null (removed).</summary>
    public IReadOnlyList<string> VarsRemoved { get; init; } = [];

    public string? Value(string path) => Values.GetValueOrDefault(path);

    public static AuditBodyFacts Read(ReadOnlySpan<byte> json, bool complete)
    {
        var fields = new List<string>();
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var set = new List<string>();
        var removed = new List<string>();
        var reader = new Utf8JsonReader(json, isFinalBlock: complete, state: default);
        var path = new Stack<string>();
        string? property = null;
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        property = Text(ref reader);
                        if (reader.CurrentDepth == 1 && property is not null)
                            fields.Add(property);
                        break;
                    case JsonTokenType.StartObject or JsonTokenType.StartArray:
                        if (IsVar(path, property))
                            set.Add(property!);
                        path.Push(property ?? "");
                        property = null;
                        break;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        if (path.Count > 0)
                            path.Pop();
                        break;
                    default:
                        if (IsVar(path, property))
                            (reader.TokenType == JsonTokenType.Null ? removed : set).Add(property!);
                        else if (property is not null && reader.TokenType != JsonTokenType.Null && AllowedValues.Contains(Path(path, property)))
                            values[Path(path, property)] = Scalar(ref reader);
                        property = null;
                        break;
                }
            }
        }
        catch (JsonException)
        {
            // Broken JSON: keep what was read before the fault.
        }

        return new AuditBodyFacts { Fields = fields, Values = values, VarsSet = set, VarsRemoved = removed };
    }

    private static bool IsVar(Stack<string> path, string? property) =>
        property is not null && path.Count == 2 && string.Equals(path.Peek(), "vars", StringComparison.OrdinalIgnoreCase);

    private static string Path(Stack<string> path, string property)
    {
        // The stack holds the root ("") at the bottom; join the named levels above it.
        var names = path.Reverse().Skip(1).Append(property);
        return string.Join('.', names);
    }

    private static string Scalar(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.String => Text(ref reader),
        JsonTokenType.True => "true",
        JsonTokenType.False => "false",
        _ => Encoding.UTF8.GetString(reader.ValueSpan),
    };

    /// <summary>A string as the client meant it; one that does not decode (a lone surrogate escape) as its escaped JSON text.</summary>
    private static string Text(ref Utf8JsonReader reader)
    {
        try
        {
            return reader.GetString() ?? "";
        }
        catch (InvalidOperationException)
        {
            return Encoding.UTF8.GetString(reader.HasValueSequence ? System.Buffers.BuffersExtensions.ToArray(reader.ValueSequence) : reader.ValueSpan);
        }
    }
}
