using System.Net;
using System.Net.Http.Json;
using PersonalCloud.Contracts.Api;
using PersonalCloud.Contracts.Backups;
using PersonalCloud.Integration.Tests.Platform;
using PersonalCloud.Integration.Tests.Support;
using PersonalCloud.Integration.Tests.Platform.Volumes;

namespace PersonalCloud.Integration.Tests.Platform.Backups;

/// <summary>The backups API as a test drives it: request, then poll until the reconciler has finished.</summary>
public sealed class BackupsApi(PlatformFixture platform, PlatformApi api)
{
    public static readonly TimeSpan EndTimeout = TimeSpan.FromMinutes(2);
    private readonly List<(Guid AppId, string AppName, List<string> Volumes)> _apps = [];

    public async Task<(AppResponse App, TestVolume Volume)> AppWithVolumeAsync(string prefix, string fill)
    {
        var app = await api.CreateAppAsync(PlatformApi.UniqueName(prefix));
        var volume = await TestVolumes.CreateAsync(platform, app.Id, app.Name, "data");
        _apps.Add((app.Id, app.Name, [volume.DockerVolume]));
        await TestVolumes.ShellAsync(platform, volume.DockerVolume, fill);
        return (app, volume);
    }

    public void Track(Guid appId, string dockerVolume) => _apps.Single(a => a.AppId == appId).Volumes.Add(dockerVolume);

    public async Task<BackupResponse> BackUpAsync(Guid appId, string volume)
    {
        var response = await api.Http.PostAsync($"/api/apps/{appId}/volumes/{volume}/backups", null);
        response.StatusCode.Should().Be(HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        response.Headers.Location!.ToString().Should().StartWith($"/api/apps/{appId}/backups/");
        return (await response.Content.ReadFromJsonAsync<BackupResponse>(PlatformApi.Json))!;
    }

    public Task<BackupResponse> BackupAsync(Guid appId, Guid backupId) => api.GetAsync<BackupResponse>($"/api/apps/{appId}/backups/{backupId}");

    /// <summary>Polls until the backup is verified or failed.</summary>
    public async Task<BackupResponse> EndedAsync(Guid appId, Guid backupId)
    {
        BackupResponse? last = null;
        await Eventually.UntilAsync(async () =>
        {
            last = await BackupAsync(appId, backupId);
            return last.State is BackupRules.Verified or BackupRules.Failed;
        }, EndTimeout, () => $"backup {backupId} ends (last: {last?.State} {last?.Reason})");
        return last!;
    }

    public async Task<RestoreResponse> RestoreAsync(Guid appId, string volume, Guid backupId, string? mode = null)
    {
        var response = await api.Http.PostAsJsonAsync($"/api/apps/{appId}/volumes/{volume}/restores", new RestoreRequest(backupId, mode));
        response.StatusCode.Should().Be(HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<RestoreResponse>(PlatformApi.Json))!;
    }

    public async Task<RestoreResponse> RestoreReachesAsync(Guid appId, Guid restoreId, string state)
    {
        RestoreResponse? last = null;
        await Eventually.UntilAsync(async () =>
        {
            last = await api.GetAsync<RestoreResponse>($"/api/apps/{appId}/restores/{restoreId}");
            return last.State == state || last.State == BackupRules.Failed;
        }, EndTimeout, () => $"restore {restoreId} is {state} (last: {last?.State} {last?.Reason})");
        return last!;
    }

    /// <summary>Deletes the test's apps (confirmed by name), then their Docker volumes at once rather than after a final backup.</summary>
    public async Task DeleteAppsAsync()
    {
        foreach (var (appId, appName, volumes) in _apps)
        {
            using (await api.Http.DeleteAsync($"/api/apps/{appId}?confirm={appName}")) { }
            await TestVolumes.RemoveAsync(platform, volumes.ToArray());
        }
    }
}
