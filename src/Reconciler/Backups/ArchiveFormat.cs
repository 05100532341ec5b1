using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace PersonalCloud.Reconciler.Backups;

/// <summary>
/// The stored archive: a tar stream (as the engine's archive API gives it), compressed as one zstd frame, encrypted with
/// AES-256-GCM in chunks. Layout (documented in docs/operations.md, so an archive can be opened without the platform):
/// header = "PCBKUP01" | salt (32 bytes) | chunk size (uint32 BE); then chunks of length (uint32 BE; the high bit marks the
/// last chunk) | ciphertext | tag (16). Key = HKDF-SHA256(backup key, salt, "pcloud-backup-v1"); nonce of chunk i =
/// 4 zero bytes | i (uint64 BE); associated data = header | the chunk's length field. A truncated archive fails to open.
/// </summary>
public static class ArchiveFormat
{
    public const int KeySize = 32;
    public const int SaltSize = 32;
    public const int TagSize = 16;
    public const int NonceSize = 12;
    public const int HeaderSize = 8 + SaltSize + 4;
    public const int DefaultChunkSize = 1 << 20;
    public const uint FinalFlag = 0x8000_0000;
    public static readonly byte[] Magic = "PCBKUP01"u8.ToArray();
    public static readonly byte[] KdfInfo = Encoding.ASCII.GetBytes("pcloud-backup-v1");

    /// <summary>zstd's own default level, so the figures compare with plain <c>tar | zstd</c>.</summary>
    public const int CompressionLevel = 3;

    public static byte[] Header(byte[] salt, int chunkSize)
    {
        var header = new byte[HeaderSize];
        Magic.CopyTo(header, 0);
        salt.CopyTo(header, 8);
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(8 + SaltSize), (uint)chunkSize);
        return header;
    }

    public static byte[] ArchiveKey(byte[] backupKey, ReadOnlySpan<byte> salt)
    {
        var key = new byte[KeySize];
        HKDF.DeriveKey(HashAlgorithmName.SHA256, backupKey, key, salt, KdfInfo);
        return key;
    }

    public static void Nonce(Span<byte> nonce, long index)
    {
        nonce[..4].Clear();
        BinaryPrimitives.WriteInt64BigEndian(nonce[4..], index);
    }

    /// <summary>Associated data of one chunk: the header and the chunk's length field.</summary>
    public static void Aad(Span<byte> aad, byte[] header, uint lengthField)
    {
        header.CopyTo(aad);
        BinaryPrimitives.WriteUInt32BigEndian(aad[HeaderSize..], lengthField);
    }
}
