using Docker.DotNet;
using Docker.DotNet.Models;
using PersonalCloud.Contracts.Labels;

namespace PersonalCloud.Integration.Tests.Support;

/// <summary>Removes what a platform instance left in the engine, found by label.</summary>
public static class TestCleanup
{
    public static async Task RemoveInstanceAsync(IDockerClient docker, string instance)
    {
        var filter = new Dictionary<string, IDictionary<string, bool>>
        {
            ["label"] = new Dictionary<string, bool> { [$"{ContainerLabels.Instance}={instance}"] = true },
        };
        foreach (var container in await docker.Containers.ListContainersAsync(new ContainersListParameters { All = true, Filters = filter }))
            await docker.Containers.RemoveContainerAsync(container.ID, new ContainerRemoveParameters { Force = true });
        foreach (var network in await docker.Networks.ListNetworksAsync(new NetworksListParameters { Filters = filter }))
            await docker.Networks.DeleteNetworkAsync(network.ID);
        // Volumes (apps', add-ons', restores' and scratch ones): the platform never removes one on its own (only after a final backup); a test run's are removed here.
        foreach (var volume in (await docker.Volumes.ListAsync(new VolumesListParameters { Filters = filter })).Volumes ?? [])
            await docker.Volumes.RemoveAsync(volume.Name, force: true);
    }
}
