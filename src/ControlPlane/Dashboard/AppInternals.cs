using System.Text.Json;
using PersonalCloud.Contracts.Api;
using PersonalCloud.Contracts.Processes;
using PersonalCloud.Contracts.Routing;
using PersonalCloud.ControlPlane.Apps;
using PersonalCloud.ControlPlane.Releases;

namespace PersonalCloud.ControlPlane.Dashboard;

/// <summary>Turns what was recorded about an app into the internals view; pure, so it is unit-tested.</summary>
public static class AppInternals
{
    public const string CaddyRouteNote =
        "Caddy's config never names an app: its one route asks the platform's DNS responder where each request's Host goes, " +
        "so this app's route is the SRV record above, and switching it reloads nothing.";

    public static AppInternalsResponse Build(AppRow app, InternalsRows rows, RouteAnswerSettings answers)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(rows);
        var containers = rows.Containers.Select(ToResponse).ToList();
        var live = rows.Containers.Where(c => c.RemovedAt is null)
            .Select(c => new NetworkAddressResponse(c.ContainerId, c.Name, c.IpAddress, ProcessOf(c), ReplicaOf(c), KindOf(c))).ToList();
        var network = rows.Containers.FirstOrDefault()?.Network is { Length: > 0 } name ? name : $"pcloud-app-{app.Id:N}";

        return new AppInternalsResponse(
            app.Id,
            containers,
            LastPlan(app, rows.LastPlan),
            rows.Route is { } route ? new RouteInternalsResponse(route.Hostnames, route.Upstreams, ReleaseRow.Utc(route.UpdatedAt)) : null,
            DnsAnswers(app, rows.Route, answers),
            rows.CaddyConfig is { } caddy ? JsonDocument.Parse(caddy.Value).RootElement.Clone() : null,
            rows.CaddyConfig is { } state ? ReleaseRow.Utc(state.UpdatedAt) : null,
            CaddyRouteNote,
            new NetworkInternalsResponse(network, live));
    }

    public static StageDurationsResponse Durations(ContainerRow c) => new(
        Between(c.CreatedAt, c.StartedAt),
        Between(c.StartedAt, c.HealthyAt),
        Between(c.HealthyAt, c.ServingAt),
        Between(c.ServingAt, c.DrainingAt),
        Between(c.DrainingAt, c.RemovedAt));

    /// <summary>
    /// The answers for the route's hostnames, or, with no route row, for the app's own hostnames (then answered
    /// as unknown: the 404 server). Only this app's row is consulted: hostnames are unique among live apps.
    /// </summary>
    public static IReadOnlyList<string> DnsAnswers(AppRow app, RouteRow? route, RouteAnswerSettings answers)
    {
        var hostnames = route?.Hostnames ?? [app.GeneratedHostname, .. app.Domains];
        return RouteAnswers.ZoneLines(hostnames
            .Select(RouteAnswers.NormalizeHostname)
            .Where(h => h.Length > 0)
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .Select(h => (h, RouteAnswers.TargetsFor(h, route?.Upstreams, answers)))
            .ToList());
    }

    private static LastPlanResponse LastPlan(AppRow app, IReadOnlyList<Events.AppEventRow> newestFirst)
    {
        var actions = newestFirst
            .OrderBy(e => e.Id)
            .Select(e => new PlanActionResponse(e.Action, e.Reason, e.Outcome, e.Error, e.DurationMs, ReleaseRow.Utc(e.At)))
            .ToList();
        return new LastPlanResponse(
            newestFirst.FirstOrDefault()?.Generation,
            actions,
            new CurrentReasonResponse(app.Status, app.LastError, app.Generation, app.ObservedGeneration));
    }

    private static ContainerLifecycleResponse ToResponse(ContainerRow c) => new(
        c.ContainerId, c.Name, c.ReleaseId, c.IpAddress, c.Network,
        ReleaseRow.Utc(c.CreatedAt), ReleaseRow.Utc(c.StartedAt), ReleaseRow.Utc(c.HealthyAt), ReleaseRow.Utc(c.ServingAt),
        ReleaseRow.Utc(c.DrainingAt), ReleaseRow.Utc(c.RemovedAt), c.ExitCode, c.RemovalReason, Durations(c), c.DockerRun,
        ProcessOf(c), ReplicaOf(c), KindOf(c));

    // A row from before processes was the app's one container: replica 0 of the web process (as migration 0021 says).
    private static string ProcessOf(ContainerRow c) => c.Process ?? ProcessLimits.DefaultWebName;

    private static int ReplicaOf(ContainerRow c) => c.Replica ?? 0;

    private static string KindOf(ContainerRow c) => c.Kind ?? ProcessKinds.Web;

    private static long? Between(DateTime? from, DateTime? to) =>
        from is { } start && to is { } end ? (long)Math.Round((end - start).TotalMilliseconds) : null;
}
