using System.Security.Cryptography;
using PersonalCloud.Reconciler.Backups;

namespace PersonalCloud.Reconciler.Tests.Backups;

public sealed class ArchiveFormatTests
{
    private static readonly byte[] Key = RandomNumberGenerator.GetBytes(ArchiveFormat.KeySize);

    [TestCase(0)]
    [TestCase(1)]
    [TestCase(64)]
    [TestCase(65)]
    [TestCase(200)]
    public void Encrypted_ThenDecrypted_GivesTheSameBytes(int length)
    {
        var plain = RandomNumberGenerator.GetBytes(length);
        var sealed_ = Seal(plain, chunkSize: 64);

        Open(sealed_, Key).Should().Equal(plain);
    }

    [Test]
    public void ChangedByte_FailsToOpen()
    {
        var sealed_ = Seal(RandomNumberGenerator.GetBytes(150), chunkSize: 64);
        sealed_[ArchiveFormat.HeaderSize + 4 + 70] ^= 1;

        FluentActions.Invoking(() => Open(sealed_, Key)).Should().Throw<ArchiveCorruptException>().WithMessage("*does not authenticate*");
    }

    [Test]
    public void ArchiveCutAtAChunkBoundary_FailsToOpen()
    {
        var sealed_ = Seal(RandomNumberGenerator.GetBytes(150), chunkSize: 64);
        var oneChunk = 4 + 64 + ArchiveFormat.TagSize;

        FluentActions.Invoking(() => Open(sealed_[..(ArchiveFormat.HeaderSize + 2 * oneChunk)], Key)).Should().Throw<ArchiveCorruptException>().WithMessage("*cut short*");
    }

    [Test]
    public void WrongKey_FailsToOpen()
    {
        var sealed_ = Seal([1, 2, 3], chunkSize: 64);

        FluentActions.Invoking(() => Open(sealed_, RandomNumberGenerator.GetBytes(ArchiveFormat.KeySize))).Should().Throw<ArchiveCorruptException>();
    }

    private static byte[] Seal(byte[] plain, int chunkSize)
    {
        using var output = new MemoryStream();
        using (var encrypting = new EncryptingStream(output, Key, chunkSize))
        {
            // Written in odd pieces: chunk boundaries must not depend on how the writer splits its writes.
            for (var i = 0; i < plain.Length; i += 7)
                encrypting.Write(plain, i, Math.Min(7, plain.Length - i));
            encrypting.Finish();
        }

        return output.ToArray();
    }

    private static byte[] Open(byte[] sealed_, byte[] key)
    {
        using var decrypting = new DecryptingStream(new MemoryStream(sealed_), key);
        using var plain = new MemoryStream();
        decrypting.CopyTo(plain);
        return plain.ToArray();
    }
}
