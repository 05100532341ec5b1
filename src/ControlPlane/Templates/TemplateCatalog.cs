using System.Reflection;
using System.Text.Json;
using Microsoft.Extensions.Options;
using PersonalCloud.Contracts.Templates;
using PersonalCloud.ControlPlane.Hosting;

namespace PersonalCloud.ControlPlane.Templates;

/// <summary>One template as found: usable (no errors) or not, with where it came from.</summary>
/// <param name="Source"><c>built-in</c> or the user's file path.</param>
public sealed record TemplateEntry(string Name, AppTemplate? Template, string Source, IReadOnlyList<string> Errors)
{
    public bool Usable => Template is not null && Errors.Count == 0;
}

/// <summary>
/// The templates on offer: the built-in ones (embedded JSON) and the user's own files in <c>$PCLOUD_DATA_DIR/templates/*.json</c>,
/// read on every call (a handful of small files) so a new file shows up without a restart. A user file replaces the built-in of
/// the same name; a file that cannot be read or checked is listed with its errors and cannot be applied.
/// </summary>
public sealed class TemplateCatalog(IOptions<ControlPlaneOptions> options)
{
    public const string BuiltInSource = "built-in";
    private const string ResourcePrefix = "PersonalCloud.ControlPlane.Templates.BuiltIn.";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        AllowTrailingCommas = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
    };

    private static readonly Lazy<IReadOnlyList<TemplateEntry>> BuiltIns = new(ReadBuiltIns);

    public string UserDirectory => Path.Combine(options.Value.DataDir, "templates");

    public IReadOnlyList<TemplateEntry> List()
    {
        var byName = BuiltIns.Value.ToDictionary(t => t.Name, StringComparer.Ordinal);
        foreach (var entry in ReadUserFiles())
            byName[entry.Name] = entry;
        return byName.Values.OrderBy(t => t.Name, StringComparer.Ordinal).ToList();
    }

    public TemplateEntry? Find(string name) => List().FirstOrDefault(t => t.Name == name);

    private IEnumerable<TemplateEntry> ReadUserFiles()
    {
        if (!Directory.Exists(UserDirectory))
            return [];
        return Directory.EnumerateFiles(UserDirectory, "*.json")
            .Order(StringComparer.Ordinal)
            .Select(path => Parse(Path.GetFileNameWithoutExtension(path), path, () => File.ReadAllText(path)));
    }

    private static IReadOnlyList<TemplateEntry> ReadBuiltIns()
    {
        var assembly = typeof(TemplateCatalog).Assembly;
        return assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal) && n.EndsWith(".json", StringComparison.Ordinal))
            .Select(n => Parse(n[ResourcePrefix.Length..^".json".Length], BuiltInSource, () => ReadResource(assembly, n)))
            .ToList();
    }

    private static string ReadResource(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>A file is named after its template: <c>name.json</c> holds the template <c>name</c> (its own name field, if any, must agree).</summary>
    public static TemplateEntry Parse(string fileName, string source, Func<string> read)
    {
        AppTemplate? template;
        try
        {
            template = JsonSerializer.Deserialize<AppTemplate>(read(), Json);
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            return new TemplateEntry(fileName, null, source, [$"The file cannot be read as a template: {e.Message}"]);
        }

        if (template is null)
            return new TemplateEntry(fileName, null, source, ["The file holds no template (null)."]);
        if (template.Name is not null && template.Name != fileName)
            return new TemplateEntry(fileName, null, source, [$"Its name '{template.Name}' differs from its file name '{fileName}.json': rename one."]);
        template = template with { Name = fileName };
        var errors = TemplateRules.Check(template).Select(e => $"{e.Key}: {e.Value}").ToList();
        return new TemplateEntry(fileName, template, source, errors);
    }
}
