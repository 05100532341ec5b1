namespace PersonalCloud.Reconciler.Planning;

/// <summary>The fixed timings of the rollout and crash-loop rules.</summary>
public static class PlanTiming
{
    /// <summary>How soon to look again while a container starts.</summary>
    public static readonly TimeSpan HealthPoll = TimeSpan.FromMilliseconds(25);

    /// <summary>Caddy re-resolves an app's upstreams this often (dynamic_upstreams refresh): an old answer lives this long.</summary>
    public static readonly TimeSpan RouteRefresh = Routing.CaddyConfigBuilder.UpstreamRefresh;

    public static readonly TimeSpan CrashBackoffInitial = TimeSpan.FromSeconds(10);

    public static readonly TimeSpan CrashBackoffMax = TimeSpan.FromMinutes(5);

    /// <summary>A container that ran this long without crashing clears the crash count.</summary>
    public static readonly TimeSpan CleanRun = TimeSpan.FromMinutes(10);

    /// <summary>
    /// A worker replica with no liveness command counts as up once it has run this long without exiting (Docker Swarm's
    /// update monitor, shortened): a release whose worker exits at once fails instead of replacing a working one.
    /// </summary>
    public static readonly TimeSpan WorkerSettle = TimeSpan.FromSeconds(2);

    /// <summary>How soon to look again while a release command runs (its container's death also wakes the app at once).</summary>
    public static readonly TimeSpan ReleaseCommandPoll = TimeSpan.FromSeconds(1);

    /// <summary>For containers of deleted apps and never-served leftovers.</summary>
    public static readonly TimeSpan DefaultStopTimeout = TimeSpan.FromSeconds(10);

    /// <summary>10 s, 20 s, 40 s ... capped at 5 minutes, for the n-th crash in a row.</summary>
    public static TimeSpan CrashBackoff(int crashes)
    {
        var exponent = Math.Clamp(crashes - 1, 0, 20);
        var delay = CrashBackoffInitial * Math.Pow(2, exponent);
        return delay > CrashBackoffMax ? CrashBackoffMax : delay;
    }
}
