using PersonalCloud.Contracts.Validation;
using PersonalCloud.Contracts.Templates;
using PersonalCloud.ControlPlane.Env;

namespace PersonalCloud.ControlPlane.Templates;

/// <summary>
/// What a template adds to an app just created from it, before its first release: env (generated secrets made here, sealed
/// like any value), volumes and add-ons. Nothing is deployed yet, so the first release carries all of it.
/// </summary>
public sealed class TemplateApplier(EnvStore env, Volumes.VolumesStore volumes, Addons.AddonsStore addons)
{
    public async Task ApplyAsync(Guid appId, AppTemplate template, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(template);
        var vars = TemplateMerge.Env(template, TemplateMerge.NewSecret);
        if (vars.Count > 0)
        {
            var result = await env.SetAsync(appId, vars, ct);
            if (result.Status != EnvSetStatus.Applied)
                throw new InvalidOperationException($"The template's env could not be set: {result.Status} {result.Message}");
        }

        foreach (var volume in template.Volumes ?? [])
        {
            var added = await volumes.CreateAsync(appId, volume.Name!, VolumeRules.Normalize(volume.MountPath!), volume.Processes, ct);
            if (added.Status != Volumes.VolumeChangeStatus.Applied)
                throw new InvalidOperationException($"The template's volume '{volume.Name}' could not be added: {added.Status} {added.Message}");
        }

        foreach (var addon in template.Addons ?? [])
        {
            var added = await addons.CreateAsync(appId, addon.Kind!, addon.Version ?? Contracts.Addons.AddonNames.PostgresVersions[0], ct);
            if (added.Status is Addons.AddonChange.AppNotFound or Addons.AddonChange.Exists)
                throw new InvalidOperationException($"The template's {addon.Kind} add-on could not be added: {added.Status}.");
        }
    }
}
