using PersonalCloud.Contracts.Health;
using PersonalCloud.ControlPlane.Health;

namespace PersonalCloud.ControlPlane.Tests.Health;

public sealed class PlatformHealthReportTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 18, 0, 0, TimeSpan.Zero);
    private static readonly Dictionary<string, SupervisedProcess> NoSupervisor = [];

    [Test]
    public void EveryComponentBeating_IsUp()
    {
        var health = PlatformHealthReport.Build(null, AllBeating(), Now, NoSupervisor);

        health.Status.Should().Be("up");
        health.Down.Should().BeEmpty();
        health.Components.Keys.Should().BeEquivalentTo(PlatformComponents.All);
    }

    [Test]
    public void StaleReconcilerHeartbeat_IsDownSinceItsLastBeat_AndCaddyUnknown()
    {
        var rows = AllBeating().Select(r => r.Name == PlatformComponents.Reconciler || r.Name == PlatformComponents.Caddy
            ? r with { HeartbeatAt = (Now - TimeSpan.FromSeconds(30)).UtcDateTime } : r).ToList();

        var health = PlatformHealthReport.Build(null, rows, Now, NoSupervisor);

        health.Status.Should().Be("down");
        health.Down.Should().Equal(PlatformComponents.Reconciler, PlatformComponents.Caddy);
        health.Components[PlatformComponents.Reconciler].Since.Should().Be(Now - TimeSpan.FromSeconds(30));
        health.Components[PlatformComponents.Reconciler].Action.Should().Contain("apps keep serving");
        health.Components[PlatformComponents.Caddy].Status.Should().Be("unknown");
    }

    [Test]
    public void GracefullyStoppedProcess_IsDownAtOnce()
    {
        var rows = AllBeating().Select(r => r.Name == PlatformComponents.RouteDns ? r with { StoppedAt = Now.UtcDateTime } : r).ToList();

        var health = PlatformHealthReport.Build(null, rows, Now, NoSupervisor);

        health.Down.Should().Equal(PlatformComponents.RouteDns);
        health.Components[PlatformComponents.RouteDns].Detail.Should().Be("stopped");
    }

    [Test]
    public void SupervisorRestarting_WinsOverAFreshHeartbeat()
    {
        var supervised = new Dictionary<string, SupervisedProcess>
        {
            [PlatformComponents.Reconciler] = new("restarting", null, Now, 2, "status 137", Now + TimeSpan.FromSeconds(2)),
        };

        var health = PlatformHealthReport.Build(null, AllBeating(), Now, supervised);

        health.Down.Should().Equal(PlatformComponents.Reconciler);
        health.Components[PlatformComponents.Reconciler].Detail.Should().Contain("status 137").And.Contain("restart 2");
        health.Components[PlatformComponents.Reconciler].Restarts.Should().Be(2);
    }

    [Test]
    public void RestartedProcessWithoutItsOwnHeartbeatYet_IsStarting()
    {
        var supervised = new Dictionary<string, SupervisedProcess>
        {
            [PlatformComponents.RouteDns] = new("running", 999, Now, 1, "status 137", null),
        };

        var health = PlatformHealthReport.Build(null, AllBeating(), Now, supervised);

        health.Down.Should().Equal(PlatformComponents.RouteDns);
        health.Components[PlatformComponents.RouteDns].Detail.Should().Be("starting (pid 999)");
    }

    [Test]
    public void CaddyReportedFailing_IsDownWithTheReconcilersReason()
    {
        var rows = AllBeating().Select(r => r.Name == PlatformComponents.Caddy
            ? r with { Healthy = false, Detail = "Caddy's admin API does not answer", UnhealthySince = Now.UtcDateTime } : r).ToList();

        var health = PlatformHealthReport.Build(null, rows, Now, NoSupervisor);

        health.Down.Should().Equal(PlatformComponents.Caddy);
        health.Components[PlatformComponents.Caddy].Detail.Should().Be("Caddy's admin API does not answer");
    }

    [Test]
    public void PostgresDown_IsNamed_AndHeartbeatsAreUnknown()
    {
        var health = PlatformHealthReport.Build("connection refused", [], Now, NoSupervisor);

        health.Components[PlatformComponents.Postgres].Status.Should().Be("down");
        health.Components[PlatformComponents.Postgres].Detail.Should().Contain("connection refused");
        health.Components[PlatformComponents.Reconciler].Status.Should().Be("unknown");
        health.Components[PlatformComponents.ControlPlane].Status.Should().Be("up");
    }

    [Test]
    public void NeverReported_IsDown()
    {
        var rows = AllBeating().Where(r => r.Name != PlatformComponents.RouteDns).ToList();

        PlatformHealthReport.Build(null, rows, Now, NoSupervisor).Down.Should().Equal(PlatformComponents.RouteDns);
    }

    [Test]
    public void SupervisorStateFile_IsParsed()
    {
        var state = SupervisorStates.Parse(["state=restarting", "pid=", "since=2026-12-02T18:00:00Z", "restarts=3", "last_exit=status 1", "next_start=2026-12-02T18:00:04Z"]);

        state.Should().Be(new SupervisedProcess("restarting", null, Now, 3, "status 1", Now + TimeSpan.FromSeconds(4)));
        SupervisorStates.Parse(["pid=1"]).Should().BeNull();
    }

    private static List<ComponentRow> AllBeating() =>
        new[] { PlatformComponents.RouteDns, PlatformComponents.Reconciler, PlatformComponents.Caddy }
            .Select(name => new ComponentRow
            {
                Name = name, Pid = name == PlatformComponents.Caddy ? 2 : 1, StartedAt = (Now - TimeSpan.FromMinutes(5)).UtcDateTime,
                HeartbeatAt = (Now - TimeSpan.FromSeconds(1)).UtcDateTime, Healthy = true,
            }).ToList();
}
