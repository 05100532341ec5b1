using System.Text.RegularExpressions;
using PersonalCloud.Contracts.Validation;

namespace PersonalCloud.Contracts.Templates;

/// <summary>Pure checks of a template document, before anything is created from it (the app's own fields are then checked as at creation).</summary>
public static partial class TemplateRules
{
    public const string GenerateSecret = "secret";
    public const int DefaultSecretLength = 48;
    public const int MinSecretLength = 16;
    public const int MaxSecretLength = 256;

    [GeneratedRegex("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")]
    private static partial Regex NamePattern();

    public static string? Name(string? name) =>
        name is not null && NamePattern().IsMatch(name)
            ? null
            : "A template's name is 1-63 lowercase letters, digits and dashes (not at either end).";

    /// <summary>Every problem of the document, as "field: message" pairs; empty when it can be applied.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Check(AppTemplate template)
    {
        ArgumentNullException.ThrowIfNull(template);
        var errors = new List<KeyValuePair<string, string>>();
        void Add(string field, string? message)
        {
            if (message is not null)
                errors.Add(new(field, message));
        }

        Add("name", Name(template.Name));
        foreach (var (key, value) in template.Env ?? new Dictionary<string, TemplateEnvValue>())
        {
            Add($"env.{key}", ValidationRules.EnvKeyName(key) ?? EnvValue(value));
        }

        if (template.Env is { Count: > 0 } env)
        {
            Add("env", EnvLimits.CaseClashInRequest(env.Keys));
            // Generated secrets count at their length: the caps are checked before anything is created.
            var sizes = env.ToDictionary(e => e.Key, e => e.Value?.Value is { } v ? System.Text.Encoding.UTF8.GetByteCount(v) : e.Value?.Length ?? DefaultSecretLength);
            Add("env", EnvLimits.Totals(EnvSize.Of(new Dictionary<string, int>()), EnvSize.Of(sizes)));
        }

        var volumes = template.Volumes ?? [];
        for (var i = 0; i < volumes.Count; i++)
        {
            Add($"volumes[{i}].name", VolumeRules.Name(volumes[i].Name)
                ?? (volumes.Take(i).Any(v => v.Name == volumes[i].Name) ? "A volume is named twice." : null));
            Add($"volumes[{i}].mountPath", VolumeRules.MountPath(volumes[i].MountPath)
                ?? (volumes.Take(i).FirstOrDefault(v => VolumeRules.MountPath(v.MountPath) is null && VolumeRules.Overlap(v.MountPath!, volumes[i].MountPath!)) is { } other
                    ? $"It overlaps the volume '{other.Name}' ('{other.MountPath}'): one would hide the other." : null));
            Add($"volumes[{i}].processes", VolumeRules.Processes(volumes[i].Processes));
        }

        var addons = template.Addons ?? [];
        for (var i = 0; i < addons.Count; i++)
        {
            Add($"addons[{i}].kind", addons[i].Kind is { } kind && Addons.AddonNames.Kinds.Contains(kind)
                ? null : $"An add-on kind is one of: {string.Join(", ", Addons.AddonNames.Kinds)}.");
            Add($"addons[{i}].version", addons[i].Version is null || Addons.AddonNames.PostgresVersions.Contains(addons[i].Version!)
                ? null : $"A Postgres add-on's version is one of: {string.Join(", ", Addons.AddonNames.PostgresVersions)}.");
            if (addons.Take(i).Any(a => a.Kind == addons[i].Kind))
                Add($"addons[{i}].kind", "An app has at most one add-on of each kind.");
        }
        return errors;
    }

    private static string? EnvValue(TemplateEnvValue? value) => value switch
    {
        null => "Give a value or generate: secret.",
        { Value: not null, Generate: not null } => "Give either a value or generate, not both.",
        { Value: null, Generate: null } => "Give a value or generate: secret.",
        { Generate: not null and not GenerateSecret } => $"generate takes '{GenerateSecret}' only.",
        { Length: < MinSecretLength or > MaxSecretLength } => $"A generated secret is {MinSecretLength}-{MaxSecretLength} characters long.",
        { Value: { } fixedValue } => ValidationRules.EnvValue(fixedValue),
        _ => null,
    };
}
