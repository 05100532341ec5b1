using System.Net;
using System.Net.Http.Json;
using PersonalCloud.Contracts.Apps;
using PersonalCloud.Integration.Tests.Support;

namespace PersonalCloud.Integration.Tests.Platform;

/// <summary>
/// Keep-alive clients hammer an app through Caddy while it is redeployed and restarted, and while other apps and
/// domains come and go: not one request may fail. Uses the static keep-alive server from bench/ (busybox httpd has
/// no keep-alive and a backlog of 9, so it fails under load by itself).
/// </summary>
[Category("Integration")]
// Alone: it counts failed requests through the shared Caddy under load; other tests' deploys would be measured too.
[NonParallelizable]
public sealed class ZeroDowntimeTests : PlatformTest
{
    private const int Clients = 8;

    [Test]
    public async Task RedeploysAndRestarts_UnderKeepAliveLoad_DropNoRequest()
    {
        var image = await KeepAliveImageAsync();
        var app = await Api.CreateAppAsync(PlatformApi.UniqueName("zdt"));
        var first = await Api.DeployAsync(app.Id, image);
        await Api.WaitForAsync(app.Id, first.Generation, AppStatus.Running);

        using var load = new ProxyLoad(Platform.HttpPort, app.GeneratedHostname, Clients);
        for (var i = 0; i < 3; i++)
        {
            var deploy = await Api.DeployAsync(app.Id, image);
            await WaitUntilOnlyOneContainerAsync(app.Id, deploy.Generation);
            var restart = await Api.RestartAsync(app.Id);
            await WaitUntilOnlyOneContainerAsync(app.Id, restart.Generation);
        }

        var result = await load.StopAsync();
        TestContext.Progress.WriteLine($"zero-downtime: {result.Succeeded} ok, {result.Failed} failed over 3 redeploys and 3 restarts ({result.FirstFailure})");
        result.Succeeded.Should().BeGreaterThan(1000);
        result.Failed.Should().Be(0, $"no request may fail during a rollout (first failure: {result.FirstFailure})");
    }

    [Test]
    public async Task CreatingAppsAndAddingDomains_DoesNotDisturbAnotherAppsTraffic()
    {
        var image = await KeepAliveImageAsync();
        var app = await Api.CreateAppAsync(PlatformApi.UniqueName("steady"), image);
        await Eventually.UntilAsync(async () => (await Api.GetThroughProxyAsync(app.GeneratedHostname)).Status == HttpStatusCode.OK,
            PlatformApi.ConvergeTimeout, "the app serves");

        using var load = new ProxyLoad(Platform.HttpPort, app.GeneratedHostname, Clients);
        for (var i = 0; i < 5; i++)
        {
            var other = await Api.CreateAppAsync(PlatformApi.UniqueName("other"), image);
            var domain = await Api.Http.PostAsync($"/api/apps/{other.Id}/domains",
                JsonContent.Create(new Contracts.Api.AddDomainRequest($"{other.Name}.example.test")));
            domain.StatusCode.Should().Be(HttpStatusCode.Created);
            await Eventually.UntilAsync(async () => (await Api.GetThroughProxyAsync($"{other.Name}.example.test")).Status == HttpStatusCode.OK,
                PlatformApi.ConvergeTimeout, "the new app answers at its domain");
        }

        var result = await load.StopAsync();
        result.Succeeded.Should().BeGreaterThan(1000);
        result.Failed.Should().Be(0, $"other apps' changes never touch this app's traffic (first failure: {result.FirstFailure})");
    }

    private async Task WaitUntilOnlyOneContainerAsync(Guid appId, long generation)
    {
        await Api.WaitForAsync(appId, generation, AppStatus.Running);
        await Eventually.UntilAsync(async () => (await PlatformDocker.AllContainersAsync(Platform, appId)).Count == 1,
            PlatformApi.ConvergeTimeout, "the old container has drained and is gone");
    }

    private static Task<string> KeepAliveImageAsync() => KeepAliveImage.BuildAsync();
}
