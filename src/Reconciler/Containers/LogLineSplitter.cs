using System.Buffers;
using System.Text;

namespace PersonalCloud.Reconciler.Containers;

/// <summary>
/// Collects one stream's bytes until a newline, so a UTF-8 character split across frames decodes whole. A line longer
/// than <see cref="MaxMessageBytes"/> is cut there and the rest is skipped up to its newline: memory stays bounded even
/// for a writer that never prints one.
/// </summary>
public sealed class LogLineSplitter(string stream)
{
    /// <summary>The engine splits longer writes into 16 KiB pieces, each with its own timestamp: cutting there keeps the first whole.</summary>
    public const int MaxMessageBytes = 16 * 1024;

    // Room for the engine's timestamp prefix ("2024-05-01T10:11:12.123456789Z ") in front of the message.
    private const int MaxLineBytes = MaxMessageBytes + 40;

    private readonly ArrayBufferWriter<byte> _pending = new(256);
    private bool _skippingRest;

    public List<ContainerLogEntry> Push(ReadOnlySpan<byte> chunk)
    {
        var entries = new List<ContainerLogEntry>();
        while (!chunk.IsEmpty)
        {
            var newline = chunk.IndexOf((byte)'\n');
            var piece = newline < 0 ? chunk : chunk[..newline];
            if (_skippingRest)
            {
                // The cut line was already emitted; its rest is not kept.
            }
            else if (_pending.WrittenCount + piece.Length <= MaxLineBytes)
            {
                _pending.Write(piece);
            }
            else
            {
                _pending.Write(piece[..(MaxLineBytes - _pending.WrittenCount)]);
                entries.Add(TakeLine(truncated: true));
                _skippingRest = true;
            }

            if (newline < 0)
                break;
            if (_skippingRest)
                _skippingRest = false;
            else
                entries.Add(TakeLine(truncated: false));
            chunk = chunk[(newline + 1)..];
        }

        return entries;
    }

    public List<ContainerLogEntry> Flush() => _pending.WrittenCount == 0 || _skippingRest ? [] : [TakeLine(truncated: false)];

    private ContainerLogEntry TakeLine(bool truncated)
    {
        var bytes = _pending.WrittenSpan;
        var space = bytes.IndexOf((byte)' ');
        var prefix = space < 0 ? bytes : bytes[..space];
        var message = space < 0 ? [] : bytes[(space + 1)..];
        ContainerLogEntry entry;
        if (DockerLogStream.TryParseUnixNanos(Encoding.ASCII.GetString(prefix), out var nanos))
        {
            entry = Decode(nanos, message, truncated);
        }
        else
        {
            // Only reachable if the engine omits timestamps; the epoch sorts such lines first instead of inventing a time.
            entry = Decode(0, bytes, truncated);
        }

        _pending.ResetWrittenCount();
        return entry;
    }

    private ContainerLogEntry Decode(long nanos, ReadOnlySpan<byte> message, bool truncated)
    {
        if (message.Length > MaxMessageBytes)
        {
            message = message[..Utf8Boundary(message, MaxMessageBytes)];
            truncated = true;
        }

        if (!message.IsEmpty && message[^1] == (byte)'\r')
            message = message[..^1];
        return new ContainerLogEntry(nanos, stream, Encoding.UTF8.GetString(message), truncated);
    }

    /// <summary>The largest length ≤ <paramref name="max"/> that does not end inside a multi-byte UTF-8 character.</summary>
    public static int Utf8Boundary(ReadOnlySpan<byte> text, int max)
    {
        if (text.Length <= max)
            return text.Length;
        var cut = max;
        // Continuation bytes are 10xxxxxx: back up to the start of the character the cut falls into.
        while (cut > 0 && cut > max - 4 && (text[cut] & 0xC0) == 0x80)
            cut--;
        return cut;
    }
}
