using PersonalCloud.Contracts.Routing;
using PersonalCloud.ControlPlane.Apps;
using PersonalCloud.ControlPlane.Dashboard;
using PersonalCloud.ControlPlane.Events;

namespace PersonalCloud.ControlPlane.Tests.Dashboard;

public sealed class AppInternalsTests
{
    private static readonly DateTime T0 = new(2026, 3, 1, 12, 0, 0, DateTimeKind.Utc);
    private static readonly RouteAnswerSettings Answers = RouteAnswerSettings.Create(15380, "dashboard.localhost");
    private static readonly AppRow App = new()
    {
        Id = Guid.Parse("0a0b0c0d-0000-0000-0000-000000000001"),
        Name = "blog",
        GeneratedHostname = "blog.localhost",
        Domains = ["www.example.org"],
        Status = "running",
        Generation = 4,
        ObservedGeneration = 4,
    };

    [Test]
    public void Durations_AreBetweenConsecutiveStages_NullWhereAStageIsMissing()
    {
        var drained = Container("old", started: 100, healthy: 900, serving: 950, draining: 5_000, removed: 8_000);
        var failed = Container("failed", started: 100, healthy: null, serving: null, draining: null, removed: 60_000);

        AppInternals.Durations(drained).Should().Be(new Contracts.Api.StageDurationsResponse(100, 800, 50, 4_050, 3_000));
        AppInternals.Durations(failed).Should().Be(new Contracts.Api.StageDurationsResponse(100, null, null, null, null),
            "a container that never got healthy has no healthy, serving or draining durations");
    }

    [Test]
    public void Build_ListsTheLiveContainersInTheNetwork_AndThePlanOldestFirst()
    {
        var rows = new InternalsRows(
            [Container("new", 0, 700, 750, null, null) with { CreatedAt = T0.AddMinutes(1), IpAddress = "172.20.0.3" },
             Container("old", 100, 900, 950, 5_000, 8_000) with { IpAddress = "172.20.0.2" }],
            [Event(12, "DrainContainer"), Event(11, "RouteTraffic"), Event(10, "StartContainer")],
            new RouteRow { Hostnames = ["blog.localhost"], Upstreams = ["172.20.0.3:8080"], UpdatedAt = T0 },
            new PlatformStateRow { Value = """{"http":{}}""", UpdatedAt = T0 });

        var internals = AppInternals.Build(App, rows, Answers);

        internals.Network.Name.Should().Be("pcloud-app-net");
        internals.Network.Containers.Select(c => (c.ContainerId, c.IpAddress)).Should().Equal(("new", "172.20.0.3"));
        internals.LastPlan.Generation.Should().Be(4);
        internals.LastPlan.Actions.Select(a => a.Action).Should().Equal("StartContainer", "RouteTraffic", "DrainContainer");
        internals.LastPlan.CurrentReason.Should().Be(new Contracts.Api.CurrentReasonResponse("running", null, 4, 4));
        internals.CaddyConfig!.Value.GetProperty("http").ValueKind.Should().Be(System.Text.Json.JsonValueKind.Object);
        internals.DnsAnswers.Should().Equal(
            "blog.localhost. 1 IN SRV 0 1 8080 172-20-0-3.ip.pcloud.internal.",
            "172-20-0-3.ip.pcloud.internal. 1 IN A 172.20.0.3");
    }

    [Test]
    public void Build_BeforeAnythingWasRecorded_NamesTheAppsNetwork_AndAnswersItsHostnamesAsUnknown()
    {
        var internals = AppInternals.Build(App, new InternalsRows([], [], null, null), Answers);

        internals.Containers.Should().BeEmpty();
        internals.Network.Name.Should().Be("pcloud-app-0a0b0c0d000000000000000000000001");
        internals.LastPlan.Generation.Should().BeNull();
        internals.LastPlan.Actions.Should().BeEmpty();
        internals.Route.Should().BeNull();
        internals.CaddyConfig.Should().BeNull();
        internals.DnsAnswers.Should().Equal(
            "blog.localhost. 1 IN SRV 0 1 15380 127-0-0-1.ip.pcloud.internal.",
            "www.example.org. 1 IN SRV 0 1 15380 127-0-0-1.ip.pcloud.internal.",
            "127-0-0-1.ip.pcloud.internal. 1 IN A 127.0.0.1");
    }

    [Test]
    public void Build_NamesEachContainersProcessReplicaAndKind_AndARowFromBeforeProcessesAsWebReplica0()
    {
        var rows = new InternalsRows(
            [Container("worker", 0, null, null, null, null) with { Process = "queue", Replica = 1, Kind = "worker", IpAddress = "172.20.0.4" },
             Container("web", 0, 700, 750, null, null) with { Process = "web", Replica = 0, Kind = "web", IpAddress = "172.20.0.3" },
             Container("old", 100, 900, 950, 5_000, 8_000)],
            [], null, null);

        var internals = AppInternals.Build(App, rows, Answers);

        internals.Containers.Select(c => (c.ContainerId, c.Process, c.Replica, c.Kind)).Should().Equal(
            ("worker", "queue", 1, "worker"), ("web", "web", 0, "web"), ("old", "web", 0, "web"));
        internals.Network.Containers.Select(c => (c.ContainerId, c.Process, c.Replica, c.Kind)).Should().Equal(
            ("worker", "queue", 1, "worker"), ("web", "web", 0, "web"));
    }

    [Test]
    public void DnsAnswers_OfARouteWithoutUpstreams_AreThe503Server()
    {
        var route = new RouteRow { Hostnames = ["blog.localhost"], Upstreams = [], UpdatedAt = T0 };

        AppInternals.DnsAnswers(App, route, Answers).Should().Equal(
            "blog.localhost. 1 IN SRV 0 1 15381 127-0-0-1.ip.pcloud.internal.",
            "127-0-0-1.ip.pcloud.internal. 1 IN A 127.0.0.1");
    }

    private static ContainerRow Container(string id, int? started, int? healthy, int? serving, int? draining, int? removed) => new()
    {
        ContainerId = id,
        Name = "pcloud-blog-" + id,
        Network = "pcloud-app-net",
        DockerRun = "docker run --detach --env API_KEY pcloud/hello:1",
        CreatedAt = T0,
        StartedAt = At(started),
        HealthyAt = At(healthy),
        ServingAt = At(serving),
        DrainingAt = At(draining),
        RemovedAt = At(removed),
    };

    private static DateTime? At(int? ms) => ms is { } m ? T0.AddMilliseconds(m) : null;

    private static AppEventRow Event(long id, string action) =>
        new() { Id = id, Generation = 4, Action = action, Reason = "because", Outcome = "succeeded", At = T0.AddSeconds(id) };
}
