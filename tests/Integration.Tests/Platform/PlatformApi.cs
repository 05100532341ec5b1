using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using PersonalCloud.Contracts.Api;
using PersonalCloud.Integration.Tests.Support;

namespace PersonalCloud.Integration.Tests.Platform;

/// <summary>Drives the platform through its public HTTP API and its public proxy port, as a user would.</summary>
public sealed class PlatformApi(PlatformFixture platform)
{
    public static readonly TimeSpan ConvergeTimeout = TimeSpan.FromSeconds(90);
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public HttpClient Http => platform.Api;

    public static string UniqueName(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 9, 63)];

    public async Task<AppResponse> CreateAppAsync(string name, string? image = null)
    {
        var response = await Http.PostAsJsonAsync("/api/apps", new CreateAppRequest(name, image));
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<AppResponse>(Json))!;
    }

    public async Task<AcceptedResponse> DeployAsync(Guid appId, string image)
    {
        var response = await Http.PostAsJsonAsync($"/api/apps/{appId}/deploy", new DeployRequest(image));
        response.StatusCode.Should().Be(HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<AcceptedResponse>(Json))!;
    }

    public async Task<AcceptedResponse> SetEnvAsync(Guid appId, IReadOnlyDictionary<string, string?> vars)
    {
        var response = await Http.PostAsJsonAsync($"/api/apps/{appId}/env", new SetEnvRequest(vars));
        response.StatusCode.Should().Be(HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<AcceptedResponse>(Json))!;
    }

    public async Task<AcceptedResponse> RestartAsync(Guid appId)
    {
        var response = await Http.PostAsync($"/api/apps/{appId}/restart", null);
        response.StatusCode.Should().Be(HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<AcceptedResponse>(Json))!;
    }

    public async Task<AppResponse?> GetAppAsync(Guid appId)
    {
        var response = await Http.GetAsync($"/api/apps/{appId}");
        if (response.StatusCode == HttpStatusCode.NotFound)
            return null;
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<AppResponse>(Json);
    }

    public async Task<T> GetAsync<T>(string path)
    {
        var response = await Http.GetAsync(path);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<T>(Json))!;
    }

    /// <summary>Polls until the reconciler reports the generation converged with the wanted status.</summary>
    public async Task<AppResponse> WaitForAsync(Guid appId, long generation, string status)
    {
        AppResponse? last = null;
        await Eventually.UntilAsync(async () =>
        {
            last = await GetAppAsync(appId);
            return last is not null && last.ObservedGeneration >= generation && last.Status == status;
        }, ConvergeTimeout, () => $"app {appId} reaches generation {generation} with status '{status}' (last seen: {last?.Status}/{last?.ObservedGeneration}, error: {last?.LastError})");
        return last!;
    }

    /// <summary>One request through Caddy on the public HTTP port, addressed by Host header.</summary>
    public async Task<(HttpStatusCode Status, string Body)> GetThroughProxyAsync(string hostname, string path = "/")
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{platform.HttpPort}{path}");
        request.Headers.Host = hostname;
        using var response = await client.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }
}
