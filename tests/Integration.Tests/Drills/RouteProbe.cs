using System.Diagnostics;
using System.Net;

namespace PersonalCloud.Integration.Tests.Platform.Drills;

/// <summary>Requests an app through Caddy for a stretch of time and keeps every answer that was not a 200.</summary>
public static class RouteProbe
{
    /// <summary>Caddy re-resolves an app's upstreams every 20 ms: in 5 s every cached DNS answer has expired many times over.</summary>
    public static readonly TimeSpan SeveralRefreshes = TimeSpan.FromSeconds(5);

    public static async Task<IReadOnlyList<string>> FailuresOverAsync(Func<Task<(HttpStatusCode Status, string Body)>> request, TimeSpan span)
    {
        var failures = new List<string>();
        var clock = Stopwatch.StartNew();
        var requests = 0;
        while (clock.Elapsed < span || requests < 10)
        {
            requests++;
            try
            {
                var (status, body) = await request();
                if (status != HttpStatusCode.OK)
                    failures.Add($"{clock.Elapsed.TotalSeconds:0.0}s: HTTP {(int)status} {body.Trim()}");
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                failures.Add($"{clock.Elapsed.TotalSeconds:0.0}s: {e.GetType().Name}: {e.Message}");
            }
        }

        return failures;
    }
}
