using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Docker.DotNet.Models;
using PersonalCloud.Contracts.Api;
using PersonalCloud.Contracts.Volumes;
using PersonalCloud.Integration.Tests.Support;

namespace PersonalCloud.Integration.Tests.Platform.Volumes;

/// <summary>Drives an app's volumes through the public API and looks at the Docker volumes the platform made, by label.</summary>
public sealed class VolumesApi(PlatformApi api, PlatformFixture platform)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<AcceptedResponse> AddAsync(Guid appId, string name, string mountPath, params string[] processes)
    {
        var response = await api.Http.PostAsJsonAsync($"/api/apps/{appId}/volumes", new VolumeRequest(name, mountPath, processes.Length == 0 ? null : processes));
        response.StatusCode.Should().Be(HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<AcceptedResponse>(Json))!;
    }

    public Task<IReadOnlyList<Contracts.Api.VolumeResponse>> ListAsync(Guid appId) => api.GetAsync<IReadOnlyList<Contracts.Api.VolumeResponse>>($"/api/apps/{appId}/volumes");

    public Task<IReadOnlyList<Contracts.Api.VolumeResponse>> ListKeptAsync() => api.GetAsync<IReadOnlyList<Contracts.Api.VolumeResponse>>("/api/volumes");

    /// <summary>Whether the engine has the Docker volume of an app volume.</summary>
    public async Task<bool> DockerHasAsync(Guid volumeId)
    {
        var listed = await platform.Docker.Volumes.ListAsync(new VolumesListParameters
        {
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["name"] = new Dictionary<string, bool> { [VolumeNames.DockerName(volumeId)] = true } },
        });
        return listed.Volumes?.Any(v => v.Name == VolumeNames.DockerName(volumeId)) == true;
    }

    public Task<Docker.DotNet.Models.VolumeResponse> InspectDockerAsync(Guid volumeId) => platform.Docker.Volumes.InspectAsync(VolumeNames.DockerName(volumeId));

    /// <summary>Polls until the monitor has made the Docker volume.</summary>
    public Task WaitDockerVolumeAsync(Guid volumeId) =>
        Eventually.UntilAsync(() => DockerHasAsync(volumeId), PlatformApi.ConvergeTimeout, $"the Docker volume {VolumeNames.DockerName(volumeId)} is made");
}
