using System.Globalization;
using PersonalCloud.Reconciler.Containers;

namespace PersonalCloud.Reconciler.Logs;

/// <summary>
/// Lines the engine's log rotation removed before they were stored. The engine keeps its json-file in a few rotated files
/// (daemon.json: max-size x max-file) and deletes the oldest; when its oldest held line is newer than the container's
/// cursor, whatever was written between the two is gone from the engine and was never stored. Pure.
/// </summary>
public static class RotationGap
{
    /// <summary>
    /// The one platform line that records the gap, or null when there is none. It is stamped one nanosecond before the
    /// oldest held line, so the cursor moves up to the gap: seen again (a restart), the same gap is not recorded twice.
    /// </summary>
    public static ContainerLogEntry? Between(long cursorUnixNanos, long oldestHeldUnixNanos)
    {
        // Nanosecond stamps: with no nanosecond strictly between the two, no line can have been lost.
        if (oldestHeldUnixNanos - cursorUnixNanos <= 1)
            return null;
        return new ContainerLogEntry(oldestHeldUnixNanos - 1, LogBuffer.PlatformStream, Message(cursorUnixNanos, oldestHeldUnixNanos));
    }

    public const string MessagePrefix = "[platform] lines lost to the engine's log rotation";

    public static string Message(long afterUnixNanos, long beforeUnixNanos) => string.Create(CultureInfo.InvariantCulture,
        $"{MessagePrefix}: whatever the app wrote after {Format(afterUnixNanos)} and before {Format(beforeUnixNanos)} was removed by the engine before it could be stored (the engine keeps no count of removed lines; raise the json-file max-size or max-file in daemon.json to keep more)");

    private static string Format(long unixNanos) =>
        DateTimeOffset.UnixEpoch.AddTicks(unixNanos / TimeSpan.NanosecondsPerTick).ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);
}
