using System.Net;
using System.Net.Http.Json;
using PersonalCloud.Contracts.Api;
using PersonalCloud.Contracts.Apps;
using PersonalCloud.Integration.Tests.Support;
using PersonalCloud.Reconciler.Routing;

namespace PersonalCloud.Integration.Tests.Platform;

/// <summary>The dashboard's "under the hood" view of an app, read through the same API as everything else.</summary>
[Category("Integration")]
public sealed class AppInternalsTests
{
    [Test]
    public async Task Internals_AfterDeployAndRestart_ShowBothContainersLivesThePlanTheRouteAndCaddysConfig()
    {
        var platform = PlatformFixture.Current;
        var api = new PlatformApi(platform);
        var app = await api.CreateAppAsync(PlatformApi.UniqueName("internals"));
        var secret = "internals-secret-" + Guid.NewGuid().ToString("N");
        await api.SetEnvAsync(app.Id, new Dictionary<string, string?> { ["API_KEY"] = secret });
        var deploy = await api.DeployAsync(app.Id, platform.HelloImage);
        await api.WaitForAsync(app.Id, deploy.Generation, AppStatus.Running);
        var restart = await api.RestartAsync(app.Id);
        await api.WaitForAsync(app.Id, restart.Generation, AppStatus.Running);

        // Read through a dashboard session: a GET needs no antiforgery token.
        using var browser = new DashboardClient(platform);
        await browser.SignInAsync();
        AppInternalsResponse internals = null!;
        await Eventually.UntilAsync(async () =>
        {
            internals = (await browser.Http.GetFromJsonAsync<AppInternalsResponse>($"/api/apps/{app.Id}/internals", DashboardClient.Json))!;
            return internals.Containers.Count == 2 && internals.Containers[1].RemovedAt is not null && internals.Route?.Upstreams.Count == 1;
        }, PlatformApi.ConvergeTimeout, () => $"the first container is recorded as removed ({internals?.Containers.Count} containers)");

        var (current, old) = (internals.Containers[0], internals.Containers[1]);
        new[] { old.CreatedAt, old.StartedAt, old.HealthyAt, old.ServingAt, old.DrainingAt, old.RemovedAt }
            .Should().NotContainNulls().And.BeInAscendingOrder();
        var d = old.Durations;
        new[] { d.CreatedToStartedMs, d.StartedToHealthyMs, d.HealthyToServingMs, d.ServingToDrainingMs, d.DrainingToRemovedMs }
            .Should().OnlyContain(ms => ms >= 0);
        d.DrainingToRemovedMs.Should().Be((long)Math.Round((old.RemovedAt!.Value - old.DrainingAt!.Value).TotalMilliseconds));
        current.ServingAt.Should().NotBeNull();
        current.DrainingAt.Should().BeNull();
        current.Durations.ServingToDrainingMs.Should().BeNull("it has not drained");
        internals.Containers.Should().OnlyContain(c => c.DockerRun.StartsWith("docker run", StringComparison.Ordinal)
            && c.DockerRun.Contains("--env API_KEY ") && !c.DockerRun.Contains(secret));

        internals.LastPlan.Generation.Should().BeGreaterThanOrEqualTo(restart.Generation);
        internals.LastPlan.Actions.Should().Contain(a => a.Action == "RouteTraffic" && a.Reason.Length > 0);
        internals.LastPlan.CurrentReason.Status.Should().Be(AppStatus.Running);

        var upstream = internals.Route!.Upstreams.Single();
        upstream.Should().StartWith(current.IpAddress + ":");
        internals.Route.Hostnames.Should().Contain(app.GeneratedHostname);
        var port = upstream.Split(':')[1];
        internals.DnsAnswers.Should().Contain(
            $"{app.GeneratedHostname}. 1 IN SRV 0 1 {port} {current.IpAddress!.Replace('.', '-')}.ip.pcloud.internal.",
            $"{current.IpAddress.Replace('.', '-')}.ip.pcloud.internal. 1 IN A {current.IpAddress}");

        internals.CaddyConfig.Should().NotBeNull();
        internals.CaddyConfig!.Value.GetRawText().Should().Contain(CaddyConfigBuilder.HttpsServerName).And.NotContain(app.GeneratedHostname);
        internals.CaddyRouteNote.Should().Contain("DNS");

        internals.Network.Name.Should().Be($"pcloud-app-{app.Id:N}");
        (current.Process, current.Replica, current.Kind).Should().Be(("web", 0, "web"), "an app's one container is replica 0 of its web process");
        internals.Network.Containers.Should().ContainSingle().Which.Should().Be(
            new NetworkAddressResponse(current.ContainerId, current.Name, current.IpAddress, "web", 0, "web"));
    }

    [Test]
    public async Task Internals_OfAnUnknownApp_Is404Problem()
    {
        using var response = await PlatformFixture.Current.Api.GetAsync($"/api/apps/{Guid.NewGuid()}/internals");

        await DashboardSessionTests.ShouldBeProblemAsync(response, HttpStatusCode.NotFound, "/not-found");
    }
}
