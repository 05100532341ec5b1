namespace PersonalCloud.ControlPlane.Logs;

/// <summary>
/// Where a live stream stands. Ids come from one sequence but two writers (old and new container during a rollout)
/// can commit out of id order, so a line may appear below <see cref="LastId"/> after the stream passed it. The cursor
/// remembers what it sent during a settle window; lines in that window it never sent are late arrivals to send.
/// </summary>
public sealed class LiveCursor(long start, TimeSpan settleWindow, int maxRemembered)
{
    private readonly Queue<(long Id, DateTimeOffset At)> _order = new();
    private readonly HashSet<long> _sent = [];

    public long LastId { get; private set; } = start;

    /// <summary>Every line with an id at or below this is settled: never sent again, never looked for again.</summary>
    public long Floor { get; private set; } = start;

    public bool WasSent(long id) => id <= Floor || _sent.Contains(id);

    public void Sent(long id, DateTimeOffset at)
    {
        if (id <= Floor || !_sent.Add(id))
            return;
        _order.Enqueue((id, at));
        LastId = Math.Max(LastId, id);
    }

    /// <summary>The window still worth a look for late lines, after forgetting what settled; null when there is none.</summary>
    public (long After, long Before, long[] Sent)? LateWindow(DateTimeOffset now)
    {
        while (_order.TryPeek(out var oldest) && (now - oldest.At >= settleWindow || _order.Count > maxRemembered))
        {
            _order.Dequeue();
            _sent.Remove(oldest.Id);
            Floor = Math.Max(Floor, oldest.Id);
        }

        if (_order.Count == 0)
            Floor = LastId;
        return LastId - Floor > 1 ? (Floor, LastId, _sent.ToArray()) : null;
    }
}
