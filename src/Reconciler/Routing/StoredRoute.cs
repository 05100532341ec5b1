namespace PersonalCloud.Reconciler.Routing;

/// <summary>
/// One app's row in the routing table, normalized: hostnames lower-cased without a trailing dot, both lists
/// distinct and sorted.
/// </summary>
/// <param name="UpdatedAt">When the upstream set last changed; a hostname-only change keeps it.</param>
/// <param name="AppCreatedAt">When the app was created, null once it is deleted: the older app owns a hostname two claim.</param>
public sealed record StoredRoute(
    Guid AppId,
    string AppName,
    IReadOnlyList<string> Hostnames,
    IReadOnlyList<string> Upstreams,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? AppCreatedAt)
{
    public ObservedRoute Observed => new(new AppRoute(AppId, AppName, Hostnames, Upstreams), UpdatedAt);

    /// <summary>The row to store so the table has <paramref name="desired"/>, or null when it already has it.</summary>
    /// <param name="now">Postgres keeps microseconds, so it is truncated to them: a re-read compares equal.</param>
    public static StoredRoute? Next(StoredRoute? current, AppRoute desired, DateTimeOffset now, DateTimeOffset? appCreatedAt)
    {
        ArgumentNullException.ThrowIfNull(desired);
        if (current is not null && current.AppId != desired.AppId)
            throw new ArgumentException($"Row is for app {current.AppId}, not {desired.AppId}.", nameof(current));

        var hostnames = NormalizeHostnames(desired.Hostnames);
        var upstreams = NormalizeUpstreams(desired.Upstreams);
        var upstreamsChanged = current is null || !current.Upstreams.SequenceEqual(upstreams, StringComparer.Ordinal);
        if (!upstreamsChanged && current!.AppName == desired.AppName && current.Hostnames.SequenceEqual(hostnames, StringComparer.Ordinal))
            return null;

        return new StoredRoute(
            desired.AppId,
            desired.AppName,
            hostnames,
            upstreams,
            upstreamsChanged ? TruncateToMicroseconds(now) : current!.UpdatedAt,
            current?.AppCreatedAt ?? appCreatedAt);
    }

    /// <summary>Lower-cased, trimmed, without a trailing dot: DNS names are case-insensitive and may be absolute.</summary>
    public static string NormalizeHostname(string hostname) => Contracts.Routing.RouteAnswers.NormalizeHostname(hostname);

    public static IReadOnlyList<string> NormalizeHostnames(IEnumerable<string> hostnames) =>
        hostnames.Select(NormalizeHostname).Where(h => h.Length > 0).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();

    public static IReadOnlyList<string> NormalizeUpstreams(IEnumerable<string> upstreams) =>
        upstreams.Select(u => u.Trim()).Where(u => u.Length > 0).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();

    private static DateTimeOffset TruncateToMicroseconds(DateTimeOffset time) =>
        new(time.UtcTicks - (time.UtcTicks % 10), TimeSpan.Zero);
}
