using PersonalCloud.Contracts.Api;

namespace PersonalCloud.Contracts.Templates;

/// <summary>
/// An app template: what <c>POST /api/apps {template, name}</c> creates an app with. Every field is optional; a field the
/// create request gives itself wins over the template's. Built-in templates ship with the platform; a user's own are JSON
/// files of this shape in <c>$PCLOUD_DATA_DIR/templates/</c> (a file with a built-in's name replaces it).
/// </summary>
/// <param name="Name">How it is asked for: lowercase letters, digits and dashes.</param>
/// <param name="Image">The image the app deploys at once when created; none: the app waits for its first deploy.</param>
/// <param name="Env">Variables set before the first release: a fixed value or a secret generated per app.</param>
public sealed record AppTemplate(
    string? Name = null,
    string? Description = null,
    string? Image = null,
    int? Port = null,
    AppLimits? Limits = null,
    string? SecurityProfile = null,
    HealthCheckSettings? HealthCheck = null,
    RolloutSettings? Rollout = null,
    IReadOnlyList<ProcessRequest>? Processes = null,
    IReadOnlyList<TemplateVolume>? Volumes = null,
    IReadOnlyList<TemplateAddon>? Addons = null,
    IReadOnlyDictionary<string, TemplateEnvValue>? Env = null);

/// <summary>A volume the app is created with (see <c>POST /api/apps/{id}/volumes</c>).</summary>
public sealed record TemplateVolume(string? Name = null, string? MountPath = null, IReadOnlyList<string>? Processes = null);

/// <summary>An add-on the app is created with (see <c>POST /api/apps/{id}/addons</c>).</summary>
public sealed record TemplateAddon(string? Kind = null, string? Version = null);

/// <summary>One env variable of a template: exactly one of a fixed <paramref name="Value"/> or <paramref name="Generate"/>.</summary>
/// <param name="Generate"><c>secret</c>: a random value made for each app (letters and digits), <paramref name="Length"/> characters (default 48).</param>
public sealed record TemplateEnvValue(string? Value = null, string? Generate = null, int? Length = null);
