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
    public static readonly ResolvedImage Image = new("hello:1", "sha256:" + new string('b', 64), [8080]);
    public const string NewIp = "172.30.0.2";
    public const string OldIp = "172.30.0.9";

    public static DesiredRelease Release(string status = ReleaseStatus.Pending, string greeting = "hi") => new(
        ReleaseId, ReleaseSources.Image, "hello:1", null, null, null, status, null, null,
        new Dictionary<string, string> { ["GREETING"] = greeting },
        new ContainerLimits(256L * 1024 * 1024, 0.5, 256),
        SecurityProfiles.Default,
        new ReleaseHealth("/", TimeSpan.FromSeconds(2), 1, TimeSpan.FromSeconds(60)),
        new RolloutTiming(TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(10)));

    public static DesiredApp DesiredWith(string releaseStatus = ReleaseStatus.Pending, Guid? currentRelease = null, string[]? domains = null,
        CrashState? crashes = null) => new(
        AppId, "hello", 3, 0,
        ["hello.localhost", .. domains ?? []],
        Release(releaseStatus),
        currentRelease,
        crashes is null ? new Dictionary<ReplicaKey, CrashState>() : new Dictionary<ReplicaKey, CrashState> { [new ReplicaKey("web", 0)] = crashes });

    public static DesiredApp NeverDeployed() => DesiredWith() with { Release = null };

    public static ContainerSpec Spec(DesiredApp app) => ContainerSpecs.Build(app, app.Release!, Image);

    public static ObservedContainer Container(string id, string hash, ContainerState state = ContainerState.Running, string ip = NewIp,
        Guid? release = null, int ageSeconds = 5, int? exitCode = null) =>
        new(id, "pcloud-hello-" + id, AppId, release ?? ReleaseId, hash, state, exitCode, ip, Now.AddSeconds(-ageSeconds));

    public static ObservedContainer Old(int ageSeconds = 600) => Container("old", "oldhash", ip: OldIp, release: OldReleaseId, ageSeconds: ageSeconds);

    /// <summary>A route whose upstreams last changed <paramref name="changedSecondsAgo"/> seconds ago.</summary>
    public static ObservedRoute Route(int changedSecondsAgo = 600, params string[] upstreams) =>
        new(new AppRoute(AppId, "hello", ["hello.localhost"], upstreams), Now.AddSeconds(-changedSecondsAgo));

    /// <param name="healthy">Every container passed its gate (the health check of the newest candidate, as the reconciler probes it).</param>
    public static ObservedApp Observed(bool network = true, ObservedRoute? route = null, bool healthy = false, params ObservedContainer[] containers) =>
        ObservedApp.From(containers, network, route, healthy ? containers.Select(c => c.Id).ToHashSet() : new HashSet<string>());

    public static ReconcilePlan Plan(DesiredApp? desired, ObservedApp observed, string? imageError = null, DateTimeOffset? now = null) =>
        AppPlanner.Plan(new PlanInput(AppId, desired,
            desired?.Release is { Status: not ReleaseStatus.Failed } && imageError is null ? ContainerSpecs.BuildProcesses(desired, desired.Release, Image) : null,
            imageError, observed, now ?? Now));

    public static IEnumerable<string> Kinds(this ReconcilePlan plan) => plan.Actions.Select(a => a.GetType().Name);

    public static IEnumerable<string> Removed(this ReconcilePlan plan) => plan.Actions.OfType<RemoveContainer>().Select(a => a.Container.Id);
}
