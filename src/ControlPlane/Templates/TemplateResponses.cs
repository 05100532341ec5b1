using PersonalCloud.Contracts.Templates;

namespace PersonalCloud.ControlPlane.Templates;

/// <summary>A template on offer.</summary>
/// <param name="Source"><c>built-in</c>, or the path of the user's file in the data directory.</param>
/// <param name="Usable">False when the file has errors (listed): it cannot be applied until they are fixed.</param>
/// <param name="GeneratedEnv">The env variables generated per app (their values are never shown here).</param>
public sealed record TemplateResponse(
    string Name,
    string? Description,
    string Source,
    bool Usable,
    IReadOnlyList<string> Errors,
    AppTemplate? Template,
    IReadOnlyList<string> GeneratedEnv)
{
    public static TemplateResponse From(TemplateEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var generated = (entry.Template?.Env ?? new Dictionary<string, TemplateEnvValue>())
            .Where(e => e.Value.Generate is not null).Select(e => e.Key).Order(StringComparer.Ordinal).ToList();
        return new TemplateResponse(entry.Name, entry.Template?.Description, entry.Source, entry.Usable, entry.Errors, entry.Template, generated);
    }
}
