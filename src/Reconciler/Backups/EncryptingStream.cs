using System.Buffers.Binary;
using System.Security.Cryptography;

namespace PersonalCloud.Reconciler.Backups;

/// <summary>Write side of <see cref="ArchiveFormat"/>: buffers a chunk, seals it, and seals the last one (possibly empty) on dispose.</summary>
public sealed class EncryptingStream : Stream
{
    private readonly Stream _inner;
    private readonly AesGcm _aes;
    private readonly byte[] _header;
    private readonly byte[] _plain;
    private readonly byte[] _cipher;
    private readonly byte[] _frame = new byte[4];
    private readonly byte[] _tag = new byte[ArchiveFormat.TagSize];
    private readonly byte[] _nonce = new byte[ArchiveFormat.NonceSize];
    private readonly byte[] _aad = new byte[ArchiveFormat.HeaderSize + 4];
    private int _filled;
    private long _index;
    private bool _headerWritten;
    private bool _finished;

    public EncryptingStream(Stream inner, byte[] backupKey, int chunkSize = ArchiveFormat.DefaultChunkSize)
    {
        _inner = inner;
        var salt = RandomNumberGenerator.GetBytes(ArchiveFormat.SaltSize);
        _header = ArchiveFormat.Header(salt, chunkSize);
        _aes = new AesGcm(ArchiveFormat.ArchiveKey(backupKey, salt), ArchiveFormat.TagSize);
        _plain = new byte[chunkSize];
        _cipher = new byte[chunkSize];
    }

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        while (!buffer.IsEmpty)
        {
            // A full chunk is sealed only once more data follows: the last chunk must carry the final flag.
            if (_filled == _plain.Length)
                Seal(final: false);
            var take = Math.Min(buffer.Length, _plain.Length - _filled);
            buffer[..take].CopyTo(_plain.AsSpan(_filled));
            _filled += take;
            buffer = buffer[take..];
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        Write(buffer.AsSpan(offset, count));
        return Task.CompletedTask;
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    /// <summary>Seals the last chunk; nothing may be written after it.</summary>
    public void Finish()
    {
        if (_finished)
            return;
        Seal(final: true);
        _finished = true;
        _inner.Flush();
    }

    public override void Flush()
    {
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            _aes.Dispose();
        base.Dispose(disposing);
    }

    private void Seal(bool final)
    {
        if (!_headerWritten)
        {
            _inner.Write(_header);
            _headerWritten = true;
        }

        var lengthField = (uint)_filled | (final ? ArchiveFormat.FinalFlag : 0);
        BinaryPrimitives.WriteUInt32BigEndian(_frame, lengthField);
        ArchiveFormat.Nonce(_nonce, _index++);
        ArchiveFormat.Aad(_aad, _header, lengthField);
        _aes.Encrypt(_nonce, _plain.AsSpan(0, _filled), _cipher.AsSpan(0, _filled), _tag, _aad);
        _inner.Write(_frame);
        _inner.Write(_cipher, 0, _filled);
        _inner.Write(_tag);
        _filled = 0;
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
