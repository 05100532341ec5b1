using System.Net;
using Docker.DotNet.Models;
using PersonalCloud.Contracts.Api;
using PersonalCloud.Contracts.Apps;
using PersonalCloud.Integration.Tests.Platform;
using PersonalCloud.Integration.Tests.Support;

namespace PersonalCloud.Integration.Tests.Platform.Drills;

/// <summary>The status tells the truth: why an app died, that it died, and that the reconciler keeps failing on it.</summary>
[Category("Integration")]
[Category("Drill")]
public sealed class StatusTruthDrills : PlatformTest
{
    [Test]
    public async Task App_AllocatingPastItsMemoryLimit_IsReportedAsKilledOutOfMemory_AndOnlyItDies()
    {
        var neighbour = await Api.CreateAppAsync(PlatformApi.UniqueName("oomneighbour"), Platform.HelloImage);
        var image = await SandboxApps.BuildAllocatorAsync(Platform);
        var app = await SandboxApps.CreateAsync(Api, new { name = PlatformApi.UniqueName("oom"), image, limits = new { memoryMb = 64 } });
        try
        {
            var release = await SandboxApps.WaitForReleaseAsync(Api, app.Id, ReleaseStatus.Failed);
            var status = await Api.GetAppAsync(app.Id);
            var events = await Api.GetAsync<IReadOnlyList<AppEventResponse>>($"/api/apps/{app.Id}/events");

            release.FailureReason.Should().Be("killed: out of memory (limit 64 MB)", "the limit as the API sets it (memoryMb), not exit code 137");
            status!.LastError.Should().Contain("killed: out of memory (limit 64 MB)");
            status.LastFailedRelease!.Release.FailureReason.Should().Be("killed: out of memory (limit 64 MB)");
            events.Should().Contain(e => e.Action == "FailRelease" && e.Outcome == "failed" && e.Error!.Contains("out of memory"));
            await SandboxApps.RunningContainerAsync(Platform, Api, neighbour.Id);
            (await Api.GetThroughProxyAsync(neighbour.GeneratedHostname)).Status.Should().Be(HttpStatusCode.OK);
        }
        finally
        {
            await SandboxApps.DeleteAsync(Api, app.Id);
            await SandboxApps.DeleteAsync(Api, neighbour.Id);
        }
    }

    [Test]
    public async Task App_WhoseProcessIsKilled_LeavesRunning_AndItsRouteDropsTheDeadContainer()
    {
        var app = await Api.CreateAppAsync(PlatformApi.UniqueName("killed"), Platform.HelloImage);
        try
        {
            var container = await SandboxApps.RunningContainerAsync(Platform, Api, app.Id);
            var ip = container.NetworkSettings!.Networks!.Values.Single().IPAddress;
            (await RouteAsync(app.Id))!.Upstreams.Should().ContainSingle().Which.Should().StartWith(ip + ":");

            await SandboxApps.ShAsync(Platform, container.ID, "kill -9 $(pidof httpd)");

            AppResponse? status = null;
            RouteInternalsResponse? route = null;
            await Eventually.UntilAsync(async () =>
            {
                status = await Api.GetAppAsync(app.Id);
                route = await RouteAsync(app.Id);
                return status is not null && status.Status != AppStatus.Running && route is not null && !route.Upstreams.Any(u => u.StartsWith(ip + ":", StringComparison.Ordinal));
            }, PlatformApi.ConvergeTimeout, () => $"status leaves running (now {status?.Status}) and the route drops {ip} (now {string.Join(",", route?.Upstreams ?? [])})");
            status!.Status.Should().Be(AppStatus.CrashLooping);
            (await Api.GetThroughProxyAsync(app.GeneratedHostname)).Status.Should().Be(HttpStatusCode.ServiceUnavailable);
        }
        finally
        {
            await SandboxApps.DeleteAsync(Api, app.Id);
        }
    }

    [Test]
    public async Task Reconcile_ThatKeepsFailing_ShowsRetryingWithTheReason_UntilTheCauseIsGone()
    {
        var app = await Api.CreateAppAsync(PlatformApi.UniqueName("retrying"), Platform.HelloImage);
        string? squatter = null;
        try
        {
            var container = await SandboxApps.RunningContainerAsync(Platform, Api, app.Id);
            var name = container.Names.Single().TrimStart('/');

            // The container dies; the restart after the crash backoff wants the same name, which a foreign container
            // that cannot start now holds: every attempt fails until it is gone.
            await Platform.Docker.Containers.KillContainerAsync(container.ID, new ContainerKillParameters { Signal = "SIGKILL" });
            await Eventually.UntilAsync(async () => (await PlatformDocker.AllContainersAsync(Platform, app.Id)).Count == 0,
                PlatformApi.ConvergeTimeout, "the dead container is removed");
            squatter = (await Platform.Docker.Containers.CreateContainerAsync(new CreateContainerParameters
            {
                Name = name,
                Image = Platform.HelloImage,
                Cmd = ["/no/such/program"],
                Labels = new Dictionary<string, string> { [TestImages.TestLabel] = "true" },
            })).ID;

            AppResponse? status = null;
            await Eventually.UntilAsync(async () =>
            {
                status = await Api.GetAppAsync(app.Id);
                return status?.Status == AppStatus.Retrying;
            }, PlatformApi.ConvergeTimeout, () => $"the app shows retrying (now {status?.Status}: {status?.LastError})");
            status!.LastError.Should().MatchRegex(@"^reconcile failed \(attempt \d+\): the container engine answered \d{3}: .*no/such/program.*; next retry at ");

            await Platform.Docker.Containers.RemoveContainerAsync(squatter, new ContainerRemoveParameters { Force = true });
            squatter = null;
            var recovered = await Api.WaitForAsync(app.Id, app.Generation, AppStatus.Running);
            recovered.LastError.Should().BeNull();
            (await Api.GetThroughProxyAsync(app.GeneratedHostname)).Status.Should().Be(HttpStatusCode.OK);
        }
        finally
        {
            if (squatter is not null)
                await Platform.Docker.Containers.RemoveContainerAsync(squatter, new ContainerRemoveParameters { Force = true });
            await SandboxApps.DeleteAsync(Api, app.Id);
        }
    }

    private async Task<RouteInternalsResponse?> RouteAsync(Guid appId) =>
        (await Api.GetAsync<AppInternalsResponse>($"/api/apps/{appId}/internals")).Route;
}
