using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Docker.DotNet;

namespace PersonalCloud.Reconciler.Containers;

/// <summary>Turns the engine's multiplexed (non-TTY) log stream into timestamped lines.</summary>
public static class DockerLogStream
{
    public const string Stdout = "stdout";
    public const string Stderr = "stderr";

    private const int ReadBufferBytes = 64 * 1024;
    private const int MaxFractionDigits = 7;

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
    public static string FormatSince(DateTimeOffset since)
    {
        var ticks = Math.Max(0, since.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks);
        var seconds = ticks / TimeSpan.TicksPerSecond;
        var nanoseconds = ticks % TimeSpan.TicksPerSecond * TimeSpan.NanosecondsPerTick;
        return string.Create(CultureInfo.InvariantCulture, $"{seconds}.{nanoseconds:D9}");
    }

    /// <summary>Splits "2024-05-01T10:11:12.123456789Z message" into its timestamp and message.</summary>
    public static ContainerLogEntry ParseLine(string stream, string line)
    {
        line = line.TrimEnd('\r');
        var space = line.IndexOf(' ', StringComparison.Ordinal);
        var prefix = space < 0 ? line : line[..space];
        if (TryParseTimestamp(prefix, out var timestamp))
        {
            return new ContainerLogEntry(timestamp, stream, space < 0 ? string.Empty : line[(space + 1)..]);
        }

        // Only reachable if the engine omits timestamps; the epoch sorts such lines first instead of inventing a time.
        return new ContainerLogEntry(DateTimeOffset.UnixEpoch, stream, line);
    }

    public static bool TryParseTimestamp(string text, out DateTimeOffset timestamp)
    {
        // RFC3339Nano carries up to 9 fractional digits; .NET parses at most 7.
        var dot = text.IndexOf('.', StringComparison.Ordinal);
        if (dot >= 0)
        {
            var end = dot + 1;
            while (end < text.Length && char.IsAsciiDigit(text[end]))
            {
                end++;
            }

            if (end - dot - 1 > MaxFractionDigits)
            {
                text = string.Concat(text.AsSpan(0, dot + 1 + MaxFractionDigits), text.AsSpan(end));
            }
        }

        return DateTimeOffset.TryParse(
            text,
            CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal,
            out timestamp);
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

    /// <summary>Collects bytes of one stream until a newline, so a UTF-8 character split across frames decodes whole.</summary>
    private sealed class LogLineSplitter(string stream)
    {
        // A writer that never prints a newline must not grow memory without bound.
        private const int MaxLineBytes = 256 * 1024;

        private readonly ArrayBufferWriter<byte> _pending = new();

        public List<ContainerLogEntry> Push(ReadOnlySpan<byte> chunk)
        {
            var entries = new List<ContainerLogEntry>();
            while (!chunk.IsEmpty)
            {
                var newline = chunk.IndexOf((byte)'\n');
                if (newline < 0)
                {
                    _pending.Write(chunk);
                    if (_pending.WrittenCount >= MaxLineBytes)
                    {
                        entries.Add(TakeLine());
                    }

                    break;
                }

                _pending.Write(chunk[..newline]);
                entries.Add(TakeLine());
                chunk = chunk[(newline + 1)..];
            }

            return entries;
        }

        public List<ContainerLogEntry> Flush() => _pending.WrittenCount == 0 ? [] : [TakeLine()];

        private ContainerLogEntry TakeLine()
        {
            var line = Encoding.UTF8.GetString(_pending.WrittenSpan);
            _pending.ResetWrittenCount();
            return ParseLine(stream, line);
        }
    }
}
