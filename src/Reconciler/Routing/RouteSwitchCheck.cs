using PersonalCloud.Contracts.Routing;

namespace PersonalCloud.Reconciler.Routing;

/// <summary>
/// Before an old container is drained: the route DNS responder (its own process) must answer the app's current
/// route, or Caddy may still send traffic to the container about to go. Asks it over UDP, as Caddy does.
/// </summary>
public sealed class RouteSwitchCheck(RouteDnsProbe probe, RouteTable routes, RouteAnswerSettings answers)
{
    /// <summary>Throws <see cref="RouteNotServedException"/> (transient: the pass is retried) unless the responder serves <paramref name="route"/>.</summary>
    public async Task EnsureServedAsync(AppRoute route, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(route);
        // A hostname another app or the platform owns answers theirs: only one of this app's own tells.
        var hostname = route.Hostnames.FirstOrDefault(h =>
            !answers.PlatformHosts.ContainsKey(RouteAnswers.NormalizeHostname(h)) && routes.Snapshot.OwnerOf(h)?.AppId == route.AppId);
        if (hostname is null)
            return;

        var expected = RouteAnswers.TargetsFor(hostname, route.Upstreams, answers).Select(t => $"{t.Address}:{t.Port}").Order().ToList();
        var actual = await probe.TargetsAsync(hostname, ct);
        if (actual is null)
        {
            throw new RouteNotServedException(
                $"the route DNS responder does not answer, so the old container keeps serving and is not drained (is route-dns running? see /healthz)");
        }

        var served = actual.Select(t => $"{t.Address}:{t.Port}").Order().ToList();
        if (!served.SequenceEqual(expected, StringComparer.Ordinal))
        {
            throw new RouteNotServedException(
                $"the route DNS responder still answers {string.Join(",", served)} for {hostname}, not {string.Join(",", expected)}: draining waits until it serves the switch");
        }
    }
}

/// <summary>The responder does not serve the route yet: a transient failure, retried with backoff, the old container kept.</summary>
public sealed class RouteNotServedException(string message) : Exception(message);
