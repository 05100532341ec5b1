using System.Security.Cryptography;
using PersonalCloud.Contracts.Api;

namespace PersonalCloud.Contracts.Templates;

/// <summary>Pure: what an app created from a template is made of. The create request's own fields win over the template's.</summary>
public static class TemplateMerge
{
    private const string SecretAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    public static CreateAppRequest Into(CreateAppRequest request, AppTemplate template)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(template);
        return request with
        {
            Image = request.Image ?? template.Image,
            Port = request.Port ?? template.Port,
            Limits = request.Limits ?? template.Limits,
            SecurityProfile = request.SecurityProfile ?? template.SecurityProfile,
            HealthCheck = request.HealthCheck ?? template.HealthCheck,
            Rollout = request.Rollout ?? template.Rollout,
            Processes = request.Processes ?? template.Processes,
        };
    }

    /// <summary>The template's env with every generated secret made (by <paramref name="generate"/>, given the length).</summary>
    public static IReadOnlyDictionary<string, string?> Env(AppTemplate template, Func<int, string> generate)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(generate);
        return (template.Env ?? new Dictionary<string, TemplateEnvValue>()).ToDictionary(
            e => e.Key,
            e => e.Value.Generate is null ? e.Value.Value : generate(e.Value.Length ?? TemplateRules.DefaultSecretLength),
            StringComparer.Ordinal);
    }

    /// <summary>A secret from the OS's cryptographic generator: letters and digits only, so it needs no quoting in a URL or a shell.</summary>
    public static string NewSecret(int length) => RandomNumberGenerator.GetString(SecretAlphabet, length);
}
