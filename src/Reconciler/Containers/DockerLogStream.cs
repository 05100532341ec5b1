using System.Globalization;
using System.Runtime.CompilerServices;
using Docker.DotNet;

namespace PersonalCloud.Reconciler.Containers;

/// <summary>Turns the engine's multiplexed (non-TTY) log stream into timestamped lines.</summary>
public static class DockerLogStream
{
    public const string Stdout = "stdout";
    public const string Stderr = "stderr";

    private const int ReadBufferBytes = 64 * 1024;
    private const int FractionDigits = 9;
    private const long NanosPerSecond = 1_000_000_000;

    /// <summary>Yields one entry per line until the stream ends (the container stopped) or the token is cancelled.</summary>
    public static async IAsyncEnumerable<ContainerLogEntry> ReadAsync(
        MultiplexedStream stream,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var buffer = new byte[ReadBufferBytes];
        var stdout = new LogLineSplitter(Stdout);
        var stderr = new LogLineSplitter(Stderr);
        while (true)
        {
            var chunk = await ReadChunkAsync(stream, buffer, cancellationToken);
            if (chunk is null)
            {
                yield break;
            }

            if (chunk.Value.EOF)
            {
                break;
            }

            var splitter = chunk.Value.Target == MultiplexedStream.TargetStream.StandardError ? stderr : stdout;
            foreach (var entry in splitter.Push(buffer.AsSpan(0, chunk.Value.Count)))
            {
                yield return entry;
                if (cancellationToken.IsCancellationRequested)
                {
                    yield break;
                }
            }
        }

        foreach (var entry in stdout.Flush().Concat(stderr.Flush()))
        {
            yield return entry;
        }
    }

    /// <summary>Unix seconds with nanoseconds, the form the engine accepts for "since".</summary>
    public static string FormatSince(DateTimeOffset since) =>
        FormatSince(Math.Max(0, since.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * TimeSpan.NanosecondsPerTick);

    /// <summary>Unix seconds with nanoseconds from an exact nanosecond timestamp (the engine's "since" is inclusive).</summary>
    public static string FormatSince(long unixNanos)
    {
        unixNanos = Math.Max(0, unixNanos);
        return string.Create(CultureInfo.InvariantCulture, $"{unixNanos / NanosPerSecond}.{unixNanos % NanosPerSecond:D9}");
    }

    /// <summary>Splits "2024-05-01T10:11:12.123456789Z message" into its timestamp and message.</summary>
    public static ContainerLogEntry ParseLine(string stream, string line)
    {
        line = line.TrimEnd('\r');
        var space = line.IndexOf(' ', StringComparison.Ordinal);
        var prefix = space < 0 ? line : line[..space];
        if (TryParseUnixNanos(prefix, out var nanos))
        {
            return new ContainerLogEntry(nanos, stream, space < 0 ? string.Empty : line[(space + 1)..]);
        }

        // Only reachable if the engine omits timestamps; the epoch sorts such lines first instead of inventing a time.
        return new ContainerLogEntry(0, stream, line);
    }

    public static bool TryParseTimestamp(string text, out DateTimeOffset timestamp)
    {
        var ok = TryParseUnixNanos(text, out var nanos);
        timestamp = ok ? DateTimeOffset.UnixEpoch.AddTicks(nanos / TimeSpan.NanosecondsPerTick) : default;
        return ok;
    }

    /// <summary>
    /// RFC3339Nano ("2024-05-01T10:11:12.123456789Z", trailing zeros of the fraction dropped, or a ±hh:mm offset) to
    /// nanoseconds since the Unix epoch, exactly: .NET's own parsers stop at 100 ns.
    /// </summary>
    public static bool TryParseUnixNanos(ReadOnlySpan<char> text, out long unixNanos)
    {
        unixNanos = 0;
        const int DateTimeLength = 19; // yyyy-MM-ddTHH:mm:ss
        if (text.Length < DateTimeLength + 1 || text[10] is not ('T' or 't')
            || !DateTime.TryParseExact(text[..DateTimeLength], "yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var wholeSeconds))
        {
            return false;
        }

        var rest = text[DateTimeLength..];
        long fraction = 0;
        if (rest[0] == '.')
        {
            var digits = 1;
            while (digits < rest.Length && char.IsAsciiDigit(rest[digits]))
                digits++;
            var count = digits - 1;
            if (count is 0 or > FractionDigits)
                return false;
            fraction = long.Parse(rest[1..digits], NumberStyles.None, CultureInfo.InvariantCulture);
            for (var i = count; i < FractionDigits; i++)
                fraction *= 10;
            rest = rest[digits..];
        }

        if (!TryParseOffset(rest, out var offsetSeconds))
            return false;
        var seconds = (wholeSeconds.Ticks - DateTime.UnixEpoch.Ticks) / TimeSpan.TicksPerSecond - offsetSeconds;
        unixNanos = (seconds * NanosPerSecond) + fraction;
        return true;
    }

    private static bool TryParseOffset(ReadOnlySpan<char> zone, out long offsetSeconds)
    {
        offsetSeconds = 0;
        if (zone is "Z" or "z")
            return true;
        if (zone.Length != 6 || zone[0] is not ('+' or '-') || zone[3] != ':'
            || !int.TryParse(zone[1..3], NumberStyles.None, CultureInfo.InvariantCulture, out var hours)
            || !int.TryParse(zone[4..6], NumberStyles.None, CultureInfo.InvariantCulture, out var minutes))
        {
            return false;
        }

        offsetSeconds = ((hours * 60) + minutes) * 60L * (zone[0] == '-' ? -1 : 1);
        return true;
    }

    private static async Task<MultiplexedStream.ReadResult?> ReadChunkAsync(
        MultiplexedStream stream,
        byte[] buffer,
        CancellationToken cancellationToken)
    {
        try
        {
            return await stream.ReadOutputAsync(buffer, 0, buffer.Length, cancellationToken);
        }
        catch (Exception ex) when (cancellationToken.IsCancellationRequested
                                   && ex is OperationCanceledException or IOException or ObjectDisposedException)
        {
            return null;
        }
    }
}
