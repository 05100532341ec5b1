using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Docker.DotNet.Models;
using PersonalCloud.Contracts.Addons;
using PersonalCloud.Contracts.Api;
using PersonalCloud.Contracts.Labels;
using PersonalCloud.Integration.Tests.Platform;
using PersonalCloud.Integration.Tests.Support;

namespace PersonalCloud.Integration.Tests.Platform.Addons;

/// <summary>Drives the add-on API and looks at what the engine runs for it, as a user (and an auditor) would.</summary>
public sealed class AddonsApi(PlatformFixture platform, PlatformApi api)
{
    public static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(90);
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<AcceptedResponse> AddPostgresAsync(Guid appId)
    {
        using var response = await api.Http.PostAsJsonAsync($"/api/apps/{appId}/addons", new CreateAddonRequest(AddonNames.Postgres));
        response.StatusCode.Should().Be(HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<AcceptedResponse>(Json))!;
    }

    public Task<IReadOnlyList<AddonResponse>> ListAsync(Guid appId) => api.GetAsync<IReadOnlyList<AddonResponse>>($"/api/apps/{appId}/addons");

    public async Task<AddonResponse> WaitReadyAsync(Guid appId)
    {
        AddonResponse? last = null;
        await Eventually.UntilAsync(async () =>
        {
            last = (await ListAsync(appId)).SingleOrDefault();
            return last?.State == "ready";
        }, ReadyTimeout, () => $"the app's postgres add-on is ready (last: {last?.State}: {last?.Message})");
        return last!;
    }

    public async Task<string> RevealAsync(Guid appId)
    {
        var revealed = await api.Http.GetFromJsonAsync<AddonConnectionResponse>($"/api/apps/{appId}/addons/postgres/connection?reveal=true", Json);
        return revealed!.ConnectionString;
    }

    /// <summary>The add-on's server container(s) of the app, all states.</summary>
    public async Task<IList<ContainerListResponse>> ServerContainersAsync(Guid appId) =>
        await platform.Docker.Containers.ListContainersAsync(new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>>
            {
                ["label"] = new Dictionary<string, bool>
                {
                    [$"{ContainerLabels.Instance}={PlatformFixture.Instance}"] = true,
                    [$"{ContainerLabels.AppId}={appId:D}"] = true,
                    [$"{ContainerLabels.Kind}={AddonNames.ContainerKind}"] = true,
                },
            },
        });

    /// <summary>psql in a short-lived container of the add-on image on <paramref name="network"/> (labelled, so a killed run's is cleaned up).</summary>
    public Task<CommandResult> PsqlAsync(string network, string url, string sql) =>
        CommandRun.RunAsync("docker",
            ["run", "--rm", "--network", network, "--label", $"{ContainerLabels.Instance}={PlatformFixture.Instance}", platform.PostgresImage,
             "psql", url, "-v", "ON_ERROR_STOP=1", "-Atc", sql],
            TimeSpan.FromSeconds(60));

    /// <summary>A deployed app, running the hello image.</summary>
    public async Task<AppResponse> RunningAppAsync(string prefix)
    {
        var app = await api.CreateAppAsync(PlatformApi.UniqueName(prefix));
        var deployed = await api.DeployAsync(app.Id, platform.HelloImage);
        await api.WaitForAsync(app.Id, deployed.Generation, Contracts.Apps.AppStatus.Running);
        return app;
    }
}
