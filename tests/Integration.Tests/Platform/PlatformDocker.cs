using Docker.DotNet.Models;
using PersonalCloud.Contracts.Labels;

namespace PersonalCloud.Integration.Tests.Platform;

/// <summary>Looks at what the platform made in the engine, by label.</summary>
public static class PlatformDocker
{
    public static Task<IList<ContainerListResponse>> RunningContainersAsync(PlatformFixture platform, Guid appId) => ContainersAsync(platform, appId, all: false);

    public static Task<IList<ContainerListResponse>> AllContainersAsync(PlatformFixture platform, Guid appId) => ContainersAsync(platform, appId, all: true);

    public static Task<IList<NetworkResponse>> NetworksAsync(PlatformFixture platform, Guid appId) =>
        platform.Docker.Networks.ListNetworksAsync(new NetworksListParameters { Filters = AppFilter(appId) });

    private static Task<IList<ContainerListResponse>> ContainersAsync(PlatformFixture platform, Guid appId, bool all) =>
        platform.Docker.Containers.ListContainersAsync(new ContainersListParameters { All = all, Filters = AppFilter(appId) });

    private static Dictionary<string, IDictionary<string, bool>> AppFilter(Guid appId) =>
        new() { ["label"] = new Dictionary<string, bool> { [$"{ContainerLabels.AppId}={appId}"] = true } };
}
