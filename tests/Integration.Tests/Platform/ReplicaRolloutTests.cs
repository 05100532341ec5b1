using PersonalCloud.Contracts.Api;
using PersonalCloud.Contracts.Processes;
using PersonalCloud.Integration.Tests.Support;

namespace PersonalCloud.Integration.Tests.Platform;

/// <summary>
/// A web process of three replicas rolls under keep-alive load without one failed request, and Caddy spreads the
/// traffic over every healthy replica (the route DNS responder answers all of them).
/// </summary>
[Category("Integration")]
// Alone: it counts failed requests through the shared Caddy under load; other tests' deploys would be measured too.
[NonParallelizable]
public sealed class ReplicaRolloutTests : PlatformTest
{
    private const int Clients = 8;
    private const int Replicas = 3;

    [Test]
    public async Task ThreeWebReplicas_RollUnderKeepAliveLoad_WithNoFailedRequest_AndTrafficReachesAllThree()
    {
        var image = await KeepAliveImage.BuildAsync();
        var processes = new ProcessesApi(Api);
        var app = await processes.CreateAppAsync(PlatformApi.UniqueName("replicas"), image, new ProcessRequest("web", ProcessKinds.Web, Replicas: Replicas));
        await processes.WaitAllRunningAsync(app.Id, app.Generation);

        using (var load = new ProxyLoad(Platform.HttpPort, app.GeneratedHostname, Clients))
        {
            for (var i = 0; i < 2; i++)
            {
                var deploy = await Api.DeployAsync(app.Id, image);
                await WaitUntilOnlyTheReplicasAsync(processes, app.Id, deploy.Generation);
            }

            var restart = await Api.RestartAsync(app.Id);
            await WaitUntilOnlyTheReplicasAsync(processes, app.Id, restart.Generation);

            var result = await load.StopAsync();
            TestContext.Progress.WriteLine($"replica rollout: {result.Succeeded} ok, {result.Failed} failed over 2 redeploys and a restart of {Replicas} replicas");
            result.Succeeded.Should().BeGreaterThan(1000);
            result.Failed.Should().Be(0, $"no request may fail while three replicas roll (first failure: {result.FirstFailure})");
        }

        // Spread: every replica that serves now answers some of a fresh load's requests.
        var addresses = (await PlatformDocker.RunningContainersAsync(Platform, app.Id))
            .Select(c => c.NetworkSettings!.Networks!.Values.Single().IPAddress).ToList();
        addresses.Should().HaveCount(Replicas);
        using var spread = new ProxyLoad(Platform.HttpPort, app.GeneratedHostname, Clients);
        await Eventually.UntilAsync(() => Task.FromResult(addresses.All(ip => spread.Bodies.Keys.Any(b => b.Contains($" at {ip}\n", StringComparison.Ordinal)))),
            PlatformApi.ConvergeTimeout, () => $"each of {string.Join(", ", addresses)} answers (seen: {string.Join(" | ", spread.Bodies.Keys.Select(b => b.Trim()))})");
        var spreadResult = await spread.StopAsync();
        spreadResult.Failed.Should().Be(0);
    }

    private async Task WaitUntilOnlyTheReplicasAsync(ProcessesApi processes, Guid appId, long generation)
    {
        await processes.WaitAllRunningAsync(appId, generation);
        await Eventually.UntilAsync(async () => (await PlatformDocker.AllContainersAsync(Platform, appId)).Count == Replicas,
            PlatformApi.ConvergeTimeout, "the old replicas have drained and are gone");
    }
}
