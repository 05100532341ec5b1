namespace PersonalCloud.ControlPlane.Audit;

/// <summary>
/// Calls without a valid token or session (all of them rejected: 401, 429, 404...) are not written one by one: they
/// are counted here, in memory, per client address, method, route and status, and <see cref="AuditMaintenance"/>
/// writes one row per such key and window (<c>count</c> calls from <c>at</c> to <c>last_at</c>). A flood from one
/// address is a handful of rows a minute, and no anonymous request waits for Postgres. At most
/// <see cref="MaxAddressesPerWindow"/> keys per window carry their address; calls from further addresses are counted
/// under an empty address, so memory and rows stay bounded whatever the number of addresses.
/// </summary>
public sealed class AnonymousAuditWindow
{
    public const int MaxAddressesPerWindow = 1000;

    private readonly Lock _gate = new();
    private Dictionary<Key, AuditEntry> _open = [];

    public void Add(AuditEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        lock (_gate)
            Merge(_open, entry);
    }

    /// <summary>The window's rows so far; counting starts afresh.</summary>
    public IReadOnlyList<AuditEntry> Take()
    {
        Dictionary<Key, AuditEntry> taken;
        lock (_gate)
            (taken, _open) = (_open, []);
        return [.. taken.Values.OrderBy(e => e.At)];
    }

    /// <summary>Rows that could not be written go back, merged with what arrived meanwhile, for the next try.</summary>
    public void PutBack(IEnumerable<AuditEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        lock (_gate)
        {
            foreach (var entry in entries)
                Merge(_open, entry);
        }
    }

    private static void Merge(Dictionary<Key, AuditEntry> rows, AuditEntry entry)
    {
        var key = new Key(entry.RemoteIp, entry.Method, entry.Route, entry.StatusCode);
        if (!rows.ContainsKey(key) && rows.Count >= MaxAddressesPerWindow)
        {
            key = key with { RemoteIp = null };
            entry = entry with { RemoteIp = null };
        }

        rows[key] = rows.TryGetValue(key, out var seen) ? Combine(seen, entry) : entry;
    }

    /// <summary>The first call's path and summary stand for all; the app only when every call named the same one.</summary>
    private static AuditEntry Combine(AuditEntry first, AuditEntry next) => first with
    {
        Count = first.Count + next.Count,
        LastAt = Max(first.LastAt ?? first.At, next.LastAt ?? next.At),
        AppId = first.AppId == next.AppId ? first.AppId : null,
        DurationMs = Math.Max(first.DurationMs, next.DurationMs),
    };

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a >= b ? a : b;

    private sealed record Key(string? RemoteIp, string Method, string Route, int StatusCode);
}
