using PersonalCloud.Contracts.Apps;
using PersonalCloud.Contracts.Labels;
using PersonalCloud.Contracts.Processes;
using PersonalCloud.Reconciler.Containers;
using PersonalCloud.Reconciler.Desired;
using PersonalCloud.Reconciler.Planning;
using PersonalCloud.Reconciler.Routing;
using static PersonalCloud.Reconciler.Tests.Planning.PlannerScenario;

namespace PersonalCloud.Reconciler.Tests.Planning;

/// <summary>Builders for apps of several processes and replicas, on top of <see cref="PlannerScenario"/>.</summary>
internal static class ProcessScenario
{
    public static readonly ProcessDefinition Web = new("web", ProcessKinds.Web, Replicas: 1);
    public static readonly ProcessDefinition Worker = new("worker", ProcessKinds.Worker, "exec ./work", Replicas: 1);

    public static DesiredApp App(ProcessDefinition[] processes, Dictionary<string, int>? replicas = null, Guid? current = null,
        string status = ReleaseStatus.Pending, string? releaseCommand = null, bool commandSucceeded = false, Dictionary<ReplicaKey, CrashState>? crashes = null) =>
        DesiredWith(status, current) with
        {
            Release = Release(status) with { Processes = processes, ReleaseCommand = releaseCommand, ReleaseCommandSucceeded = commandSucceeded },
            Replicas = replicas ?? processes.ToDictionary(p => p.Name, p => p.Replicas ?? 1),
            Crashes = crashes ?? [],
        };

    public static IReadOnlyList<ProcessSpec> Specs(DesiredApp app) => ContainerSpecs.BuildProcesses(app, app.Release!, Image);

    public static ProcessSpec SpecOf(DesiredApp app, string process) => Specs(app).Single(p => p.Process.Name == process);

    public static string IpOf(string process, int index) => $"172.30.{(process == "web" ? 1 : 2)}.{10 + index}";

    /// <summary>Replica <paramref name="index"/> of <paramref name="process"/> of the app's desired release, as the engine lists it.</summary>
    public static ObservedContainer Replica(DesiredApp app, string process, int index, ContainerState state = ContainerState.Running, int ageSeconds = 5,
        int? exitCode = null)
    {
        var spec = SpecOf(app, process);
        return new ObservedContainer($"{process}-{index}", spec.ForReplica(index).Name, AppId, app.Release!.Id, spec.Spec.SpecHash, state, exitCode,
            IpOf(process, index), Now.AddSeconds(-ageSeconds), Process: process, Replica: index, Kind: ContainerLabels.KindProcess, ProcessKind: spec.Process.Kind);
    }

    /// <summary>A container of the release before (another hash).</summary>
    public static ObservedContainer OldReplica(string process, int index, string kind = ProcessKinds.Web) =>
        new($"old-{process}-{index}", $"pcloud-hello-{process}-{index}-old", AppId, OldReleaseId, "oldhash-" + process, ContainerState.Running, null,
            $"172.30.9.{10 + index + (kind == ProcessKinds.Web ? 0 : 50)}", Now.AddMinutes(-30), Process: process, Replica: index, Kind: ContainerLabels.KindProcess,
            ProcessKind: kind);

    public static string Upstream(ObservedContainer c) => $"{c.IpAddress}:8080";

    public static ObservedRoute RouteTo(int changedSecondsAgo, params ObservedContainer[] upstreams) =>
        Route(changedSecondsAgo, upstreams.Select(Upstream).ToArray());

    public static ObservedApp Seen(ObservedRoute? route, IEnumerable<ObservedContainer> ready, params ObservedContainer[] containers) =>
        ObservedApp.From(containers, true, route, ready.Select(c => c.Id).ToHashSet());

    public static ReconcilePlan PlanFor(DesiredApp app, ObservedApp observed, DateTimeOffset? now = null, ServingFallback? fallback = null) =>
        AppPlanner.Plan(new PlanInput(AppId, app,
            app.Release!.Status == ReleaseStatus.Failed ? null : Specs(app), null, observed, now ?? Now,
            app.Release!.Status == ReleaseStatus.Failed ? null : ContainerSpecs.BuildReleaseCommand(app, app.Release!, Image), fallback));

    public static IEnumerable<(string Process, int Index)> Started(this ReconcilePlan plan) =>
        plan.Actions.OfType<StartContainer>().Select(s => (s.Spec.Process, s.Spec.Replica));

    public static IReadOnlyList<string>? RoutedTo(this ReconcilePlan plan) => plan.Actions.OfType<RouteTraffic>().LastOrDefault()?.Route.Upstreams;
}
