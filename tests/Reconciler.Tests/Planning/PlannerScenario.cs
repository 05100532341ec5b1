using PersonalCloud.Contracts.Apps;
using PersonalCloud.Reconciler.Containers;
using PersonalCloud.Reconciler.Desired;
using PersonalCloud.Reconciler.Planning;
using PersonalCloud.Reconciler.Routing;

namespace PersonalCloud.Reconciler.Tests.Planning;

/// <summary>Builders for planner inputs, so each scenario reads as data.</summary>
internal static class PlannerScenario
{
    public static readonly Guid AppId = Guid.Parse("0193a000-0000-7000-8000-000000000001");
    public static readonly Guid ReleaseId = Guid.Parse("0193a000-0000-7000-8000-0000000000a1");
    public static readonly Guid OldReleaseId = Guid.Parse("0193a000-0000-7000-8000-0000000000a0");
    public static readonly DateTimeOffset Now = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    public static readonly ResolvedImage Image = new("hello:1", "sha256:" + new string('b', 64), [8080]);

    public static DesiredApp DesiredWith(string releaseStatus = ReleaseStatus.Pending, Guid? currentRelease = null, string[]? domains = null) => new(
        AppId, "hello", 3, 0, null,
        new ContainerLimits(256L * 1024 * 1024, 0.5, 256),
        SecurityProfiles.Default,
        ["hello.localhost", .. domains ?? []],
        new Dictionary<string, string> { ["GREETING"] = "hi" },
        new DesiredRelease(ReleaseId, "hello:1", releaseStatus, null),
        currentRelease,
        new HealthCheckSpec("/", 10));

    public static DesiredApp NeverDeployed() => DesiredWith() with { Release = null };

    public static ContainerSpec Spec(DesiredApp app) => ContainerSpecs.Build(app, app.Release!, Image);

    public static ObservedContainer Container(string id, string hash, ContainerState state = ContainerState.Running, string ip = "172.30.0.2",
        Guid? release = null, int ageSeconds = 5, int? exitCode = null) =>
        new(id, "pcloud-hello-" + id, AppId, release ?? ReleaseId, hash, state, exitCode, ip, Now.AddSeconds(-ageSeconds));

    public static AppRoute Route(params string[] upstreams) => new(AppId, "hello", ["hello.localhost"], upstreams);

    public static ObservedApp Observed(bool network = true, AppRoute? route = null, bool healthy = false, params ObservedContainer[] containers) =>
        new(containers, network, route, healthy);

    public static ReconcilePlan Plan(DesiredApp? desired, ObservedApp observed, string? imageError = null) =>
        AppPlanner.Plan(AppId, desired, desired?.Release is { Status: not ReleaseStatus.Failed } && imageError is null ? Spec(desired) : null,
            imageError, observed, Now, Deadline);

    public static IEnumerable<string> Kinds(this ReconcilePlan plan) => plan.Actions.Select(a => a.GetType().Name);
}
