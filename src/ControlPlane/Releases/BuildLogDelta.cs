using PersonalCloud.Contracts.Logs;

namespace PersonalCloud.ControlPlane.Releases;

/// <summary>What a live reader of a build log gets next: text to append, or the whole kept log to start over with.</summary>
/// <param name="Reset">True when the reader must drop what it has: it fell further behind than the kept tail (the text
/// then starts with <see cref="BuildLogs.DroppedMarker"/>), or the build started over.</param>
public sealed record BuildLogDelta(string Text, bool Reset)
{
    public static readonly BuildLogDelta None = new("", false);

    /// <summary>
    /// Pure. <paramref name="fetched"/> is the stored log's last <c>total - sent</c> characters (all of it when it is
    /// shorter, or when the reader is more than <see cref="BuildLogs.MaxKeptChars"/> behind); <paramref name="total"/> counts
    /// every character the build printed, <paramref name="sent"/> those the reader has.
    /// </summary>
    public static BuildLogDelta Next(string fetched, long total, long sent)
    {
        if (total == sent)
            return None;
        var needed = total - sent;
        // Fewer characters than the reader had: the build started again.
        if (needed < 0 || needed > BuildLogs.MaxKeptChars || fetched.Length < needed)
            return new BuildLogDelta(fetched, Reset: true);
        return new BuildLogDelta(fetched[^(int)needed..], Reset: false);
    }
}
