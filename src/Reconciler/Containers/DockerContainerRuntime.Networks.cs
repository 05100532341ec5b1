using System.Net;
using Docker.DotNet;
using Docker.DotNet.Models;
using PersonalCloud.Contracts.Labels;

namespace PersonalCloud.Reconciler.Containers;

/// <summary>The apps' bridge networks: one per app, labelled with its instance and app, made once even when creates race.</summary>
public sealed partial class DockerContainerRuntime
{
    public async Task EnsureNetworkAsync(string networkName, Guid appId, CancellationToken cancellationToken)
    {
        if ((await FindNetworksAsync(networkName, cancellationToken)).Count > 0)
        {
            return;
        }

        try
        {
            await _client.Networks.CreateNetworkAsync(new NetworksCreateParameters
            {
                Name = networkName,
                Driver = "bridge",
                Labels = new Dictionary<string, string>
                {
                    [ContainerLabels.Managed] = ContainerLabels.ManagedValue,
                    [ContainerLabels.Instance] = _instance,
                    [ContainerLabels.AppId] = appId.ToString("D"),
                },
                Options = new Dictionary<string, string> { ["com.docker.network.bridge.enable_icc"] = "true" },
            }, cancellationToken);
        }
        catch (DockerApiException ex) when (ex.StatusCode == HttpStatusCode.Conflict)
        {
            return;
        }

        // API 1.41 has no CheckDuplicate in this client, so a racing create can make a twin: keep the oldest only.
        var twins = await FindNetworksAsync(networkName, cancellationToken);
        foreach (var twin in twins.OrderBy(n => n.Created).ThenBy(n => n.ID, StringComparer.Ordinal).Skip(1))
        {
            await DeleteNetworkByIdAsync(twin.ID, cancellationToken);
        }
    }

    public async Task<IReadOnlyList<ObservedNetwork>> ListManagedNetworksAsync(CancellationToken cancellationToken)
    {
        var networks = await _client.Networks.ListNetworksAsync(
            new NetworksListParameters { Filters = ScopedFilter() }, cancellationToken);
        return networks
            .Select(n => new ObservedNetwork(n.ID, n.Name, DockerObservedState.ParseGuid(n.Labels, ContainerLabels.AppId)))
            .ToList();
    }

    public async Task RemoveNetworkAsync(string networkName, CancellationToken cancellationToken)
    {
        foreach (var network in await FindNetworksAsync(networkName, cancellationToken))
        {
            await DeleteNetworkByIdAsync(network.ID, cancellationToken);
        }
    }

    private async Task<IReadOnlyList<NetworkResponse>> FindNetworksAsync(string networkName, CancellationToken cancellationToken)
    {
        // The name filter matches substrings: compare exactly.
        var networks = await _client.Networks.ListNetworksAsync(
            new NetworksListParameters
            {
                Filters = new Dictionary<string, IDictionary<string, bool>> { ["name"] = new Dictionary<string, bool> { [networkName] = true } },
            },
            cancellationToken);
        return networks.Where(n => string.Equals(n.Name, networkName, StringComparison.Ordinal)).ToList();
    }

    private async Task DeleteNetworkByIdAsync(string networkId, CancellationToken cancellationToken)
    {
        try
        {
            await _client.Networks.DeleteNetworkAsync(networkId, cancellationToken);
        }
        catch (DockerApiException ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            // Already gone.
        }
    }
}
