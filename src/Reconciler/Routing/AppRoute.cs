namespace PersonalCloud.Reconciler.Routing;

/// <summary>One app's entry in Caddy: the hostnames it answers and the upstreams ("ip:port") it proxies to.</summary>
public sealed record AppRoute(Guid AppId, string AppName, IReadOnlyList<string> Hostnames, IReadOnlyList<string> Upstreams);

/// <summary>Settings that shape the whole proxy config, not one app.</summary>
public sealed record RoutingSettings(int HttpPort, int HttpsPort, bool InternalTls);
