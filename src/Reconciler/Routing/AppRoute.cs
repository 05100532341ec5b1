namespace PersonalCloud.Reconciler.Routing;

/// <summary>One app's entry in the routing table: the hostnames it answers and the upstreams ("ip:port") it proxies to.</summary>
public sealed record AppRoute(Guid AppId, string AppName, IReadOnlyList<string> Hostnames, IReadOnlyList<string> Upstreams);

/// <summary>An app's route as the routing table has it, and when its upstreams last changed (drain timing starts there).</summary>
public sealed record ObservedRoute(AppRoute Route, DateTimeOffset UpdatedAt);
