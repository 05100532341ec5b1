using System.Buffers.Binary;
using System.Security.Cryptography;

namespace PersonalCloud.Reconciler.Backups;

/// <summary>Read side of <see cref="ArchiveFormat"/>: opens chunk after chunk; a wrong key, a changed byte or a cut-off archive throws <see cref="ArchiveCorruptException"/>.</summary>
public sealed class DecryptingStream(Stream inner, byte[] backupKey) : Stream
{
    private readonly byte[] _frame = new byte[4];
    private readonly byte[] _tag = new byte[ArchiveFormat.TagSize];
    private readonly byte[] _nonce = new byte[ArchiveFormat.NonceSize];
    private readonly byte[] _aad = new byte[ArchiveFormat.HeaderSize + 4];
    private byte[] _header = [];
    private AesGcm? _aes;
    private byte[] _plain = [];
    private byte[] _cipher = [];
    private int _available;
    private int _offset;
    private long _index;
    private bool _final;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        while (_offset == _available)
        {
            if (_final)
                return 0;
            OpenNext();
        }

        var take = Math.Min(buffer.Length, _available - _offset);
        _plain.AsSpan(_offset, take).CopyTo(buffer);
        _offset += take;
        return take;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Task.FromResult(Read(buffer.AsSpan(offset, count)));

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read(buffer.Span));

    private void OpenNext()
    {
        if (_aes is null)
            OpenHeader();
        ReadExactly(_frame, "a chunk's length");
        var lengthField = BinaryPrimitives.ReadUInt32BigEndian(_frame);
        var length = (int)(lengthField & ~ArchiveFormat.FinalFlag);
        if (length > _plain.Length)
            throw new ArchiveCorruptException($"a chunk of {length} bytes is longer than the archive's chunk size");
        ReadExactly(_cipher.AsSpan(0, length), "a chunk");
        ReadExactly(_tag, "a chunk's tag");
        ArchiveFormat.Nonce(_nonce, _index++);
        ArchiveFormat.Aad(_aad, _header, lengthField);
        try
        {
            _aes!.Decrypt(_nonce, _cipher.AsSpan(0, length), _tag, _plain.AsSpan(0, length), _aad);
        }
        catch (AuthenticationTagMismatchException)
        {
            throw new ArchiveCorruptException($"chunk {_index - 1} does not authenticate: the archive was changed or the backup key is not the one it was made with");
        }

        _available = length;
        _offset = 0;
        _final = (lengthField & ArchiveFormat.FinalFlag) != 0;
    }

    private void OpenHeader()
    {
        _header = new byte[ArchiveFormat.HeaderSize];
        ReadExactly(_header, "the header");
        if (!_header.AsSpan(0, 8).SequenceEqual(ArchiveFormat.Magic))
            throw new ArchiveCorruptException("it does not start with PCBKUP01: not a PersonalCloud backup archive");
        var chunkSize = (int)BinaryPrimitives.ReadUInt32BigEndian(_header.AsSpan(8 + ArchiveFormat.SaltSize));
        if (chunkSize is < 1 or > 64 << 20)
            throw new ArchiveCorruptException($"its chunk size {chunkSize} is not one this platform writes");
        _aes = new AesGcm(ArchiveFormat.ArchiveKey(backupKey, _header.AsSpan(8, ArchiveFormat.SaltSize)), ArchiveFormat.TagSize);
        _plain = new byte[chunkSize];
        _cipher = new byte[chunkSize];
    }

    private void ReadExactly(Span<byte> target, string what)
    {
        try
        {
            inner.ReadExactly(target);
        }
        catch (EndOfStreamException)
        {
            throw new ArchiveCorruptException($"it ends inside {what}: the archive is cut short");
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            _aes?.Dispose();
        base.Dispose(disposing);
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

/// <summary>The stored archive cannot be opened as written (terminal: reading it again gives the same).</summary>
public sealed class ArchiveCorruptException(string reason) : Exception($"The archive cannot be opened: {reason}.");
