namespace PersonalCloud.ControlPlane.Audit;

/// <summary>
/// Wraps a request body while the handler reads it: counts the bytes and, for JSON, keeps the first
/// <see cref="CaptureLimit"/> bytes so the audit summary can name keys and hostnames without reading the body twice.
/// </summary>
public sealed class AuditedRequestBody(Stream inner, bool capture) : Stream
{
    public const int CaptureLimit = 64 * 1024;

    private readonly MemoryStream? _captured = capture ? new MemoryStream() : null;

    public long BytesRead { get; private set; }

    /// <summary>True once a read returned 0: the handler saw the whole body.</summary>
    public bool ReachedEnd { get; private set; }

    /// <summary>The captured prefix; empty when not capturing.</summary>
    public ReadOnlyMemory<byte> Captured => _captured is null ? ReadOnlyMemory<byte>.Empty : _captured.GetBuffer().AsMemory(0, (int)_captured.Length);

    /// <summary>Whether <see cref="Captured"/> holds the whole body.</summary>
    public bool CapturedAll => ReachedEnd && _captured is not null && _captured.Length == BytesRead;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => BytesRead;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Record(buffer.AsSpan(offset, inner.Read(buffer, offset, count)));

    public override int Read(Span<byte> buffer) => Record(buffer[..inner.Read(buffer)]);

    public override async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Record(buffer.AsSpan(offset, await inner.ReadAsync(buffer.AsMemory(offset, count), cancellationToken)));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await inner.ReadAsync(buffer, cancellationToken);
        return Record(buffer.Span[..read]);
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing && _captured is not null)
        {
            // The prefix may hold env values: wipe it rather than leave it to the garbage collector.
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(_captured.GetBuffer());
            _captured.Dispose();
        }

        base.Dispose(disposing);
    }

    private int Record(ReadOnlySpan<byte> read)
    {
        if (read.Length == 0)
            ReachedEnd = true;
        BytesRead += read.Length;
        if (_captured is not null && _captured.Length < CaptureLimit)
            _captured.Write(read[..Math.Min(read.Length, CaptureLimit - (int)_captured.Length)]);
        return read.Length;
    }
}
