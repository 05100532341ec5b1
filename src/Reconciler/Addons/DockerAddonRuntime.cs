using System.Net;
using Docker.DotNet;
using Docker.DotNet.Models;
using PersonalCloud.Contracts.Addons;
using PersonalCloud.Contracts.Labels;
using PersonalCloud.Reconciler.Containers;

namespace PersonalCloud.Reconciler.Addons;

/// <summary><see cref="IAddonRuntime"/> over the Docker Engine API.</summary>
public sealed class DockerAddonRuntime(IDockerClient client, string instance, AddonLimits limits) : IAddonRuntime
{
    public async Task<IReadOnlyList<ObservedAddon>> ListAsync(CancellationToken cancellationToken)
    {
        var listed = await client.Containers.ListContainersAsync(new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>>
            {
                ["label"] = new Dictionary<string, bool>
                {
                    [$"{ContainerLabels.Managed}={ContainerLabels.ManagedValue}"] = true,
                    [$"{ContainerLabels.Instance}={instance}"] = true,
                    [$"{ContainerLabels.Kind}={AddonNames.ContainerKind}"] = true,
                },
            },
        }, cancellationToken);
        return listed
            .Select(c => DockerObservedState.ParseGuid(c.Labels, AddonNames.AddonIdLabel) is { } addonId && DockerObservedState.ParseGuid(c.Labels, ContainerLabels.AppId) is { } appId
                ? new ObservedAddon(c.ID, addonId, appId, c.Labels.TryGetValue(ContainerLabels.SpecHash, out var hash) ? hash : "",
                    DockerObservedState.ParseState(c.State), DockerObservedState.ParseExitCode(c.Status))
                : null)
            .OfType<ObservedAddon>()
            .ToList();
    }

    public Task EnsureVolumeAsync(DesiredAddon addon, CancellationToken cancellationToken) =>
        client.Volumes.CreateAsync(new VolumesCreateParameters
        {
            Name = AddonNames.VolumeName(addon.AddonId),
            Driver = "local",
            Labels = PostgresServerSpec.VolumeLabels(addon, instance),
        }, cancellationToken);

    public async Task<string> CreateAndStartAsync(DesiredAddon addon, string imageId, string specHash, CancellationToken cancellationToken)
    {
        string id;
        try
        {
            id = (await client.Containers.CreateContainerAsync(PostgresServerSpec.Map(addon, imageId, specHash, limits, instance), cancellationToken)).ID;
        }
        catch (DockerApiException e) when (e.StatusCode == HttpStatusCode.Conflict)
        {
            id = (await client.Containers.InspectContainerAsync(AddonNames.ContainerName(addon.AddonId), cancellationToken)).ID;
        }
        catch (DockerApiException e) when (e.StatusCode == HttpStatusCode.BadRequest)
        {
            throw new ContainerRejectedException($"the engine refused to create the server: {DockerObservedState.ErrorMessage(e.ResponseBody)}", e);
        }

        await client.Containers.StartContainerAsync(id, new ContainerStartParameters(), cancellationToken);
        return id;
    }
}
