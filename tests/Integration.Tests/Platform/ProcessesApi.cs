using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using PersonalCloud.Contracts.Api;
using PersonalCloud.Integration.Tests.Support;

namespace PersonalCloud.Integration.Tests.Platform;

/// <summary>Drives an app's processes through the public API, as a user would.</summary>
public sealed class ProcessesApi(PlatformApi api)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<AppResponse> CreateAppAsync(string name, string image, params ProcessRequest[] processes)
    {
        var response = await api.Http.PostAsJsonAsync("/api/apps", new CreateAppRequest(name, image, Processes: processes));
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<AppResponse>(Json))!;
    }

    public Task<IReadOnlyList<ProcessResponse>> ListAsync(Guid appId) => api.GetAsync<IReadOnlyList<ProcessResponse>>($"/api/apps/{appId}/processes");

    public async Task<ProcessResponse> GetAsync(Guid appId, string name) => (await ListAsync(appId)).Single(p => p.Name == name);

    public async Task<AcceptedResponse> ScaleAsync(Guid appId, IReadOnlyDictionary<string, int> replicas)
    {
        var response = await api.Http.PostAsJsonAsync($"/api/apps/{appId}/scale", replicas);
        response.StatusCode.Should().Be(HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<AcceptedResponse>(Json))!;
    }

    /// <summary>Polls until every wanted replica of every process runs, for the generation given.</summary>
    public async Task<IReadOnlyList<ProcessResponse>> WaitAllRunningAsync(Guid appId, long generation)
    {
        await api.WaitForAsync(appId, generation, Contracts.Apps.AppStatus.Running);
        IReadOnlyList<ProcessResponse> last = [];
        await Eventually.UntilAsync(async () =>
        {
            last = await ListAsync(appId);
            return last.All(p => p.ReplicaStatus.Count == p.Replicas && p.ReplicaStatus.All(r => r.Status == Contracts.Processes.ReplicaStatuses.Running));
        }, PlatformApi.ConvergeTimeout, () => $"every replica runs (last: {string.Join("; ", last.Select(p => $"{p.Name} {string.Join(",", p.ReplicaStatus.Select(r => r.Status))}/{p.Replicas}"))})");
        return last;
    }
}
