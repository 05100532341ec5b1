using System.Security.Cryptography;
using PersonalCloud.Contracts.Secrets;

namespace PersonalCloud.Contracts.Tests.Secrets;

public sealed class SecretBoxTests
{
    private static readonly Guid App = Guid.NewGuid();
    private readonly SecretBox _box = new(new MasterKey(RandomNumberGenerator.GetBytes(MasterKey.Size)));

    [Test]
    public void SealThenOpen_GivesBackThePlaintext()
    {
        var sealedValue = _box.Seal(App, "KEY", "päss wörd");
        _box.Open(App, "KEY", sealedValue).Should().Be("päss wörd");
    }

    [Test]
    public void Seal_NeverContainsThePlaintext_AndCarriesTheKeyId()
    {
        var sealedValue = _box.Seal(App, "KEY", "visible-secret");
        sealedValue.Should().NotContain("visible-secret").And.StartWith("pcv1.");
        sealedValue.Split('.')[1].Should().HaveLength(8);
    }

    [TestCase("")]
    [TestCase("a")]
    [TestCase("päss wörd")]
    [TestCase("0123456789abcdef0123456789abcdef0123456789")]
    public void PlaintextBytes_OfASealedValue_IsItsUtf8Size_WithoutTheKey(string plaintext) =>
        SecretBox.PlaintextBytes(_box.Seal(App, "KEY", plaintext)).Should().Be(System.Text.Encoding.UTF8.GetByteCount(plaintext));

    [Test]
    public void PlaintextBytes_OfSomethingNotSealed_Throws() =>
        FluentActions.Invoking(() => SecretBox.PlaintextBytes("plain text")).Should().Throw<SecretOpenException>();

    [Test]
    public void Seal_SameValueTwice_GivesDifferentCiphertexts() =>
        _box.Seal(App, "KEY", "v").Should().NotBe(_box.Seal(App, "KEY", "v"));

    [Test]
    public void Open_UnderAnotherApp_Fails() =>
        FluentActions.Invoking(() => _box.Open(Guid.NewGuid(), "KEY", _box.Seal(App, "KEY", "v"))).Should().Throw<SecretOpenException>();

    [Test]
    public void Open_UnderAnotherKeyName_Fails() =>
        FluentActions.Invoking(() => _box.Open(App, "OTHER", _box.Seal(App, "KEY", "v"))).Should().Throw<SecretOpenException>();

    [Test]
    public void Open_WithAnotherMasterKey_FailsInsteadOfPassingCiphertextOn()
    {
        var other = new SecretBox(new MasterKey(RandomNumberGenerator.GetBytes(MasterKey.Size)));
        FluentActions.Invoking(() => other.Open(App, "KEY", _box.Seal(App, "KEY", "v"))).Should().Throw<SecretOpenException>().WithMessage("*master key*");
    }

    [Test]
    public void Open_TamperedValue_Fails()
    {
        var sealedValue = _box.Seal(App, "KEY", "value");
        var parts = sealedValue.Split('.');
        var blob = Convert.FromBase64String(parts[2]);
        blob[^1] ^= 0x01;
        FluentActions.Invoking(() => _box.Open(App, "KEY", $"{parts[0]}.{parts[1]}.{Convert.ToBase64String(blob)}")).Should().Throw<SecretOpenException>();
    }

    [TestCase("plaintext")]
    [TestCase("pcv1.x")]
    [TestCase("pcv1.zzzzzzzz.@@@")]
    public void Open_NotSealed_Fails(string stored) =>
        FluentActions.Invoking(() => _box.Open(App, "KEY", stored)).Should().Throw<SecretOpenException>();

    [Test]
    public void MasterKey_Create_MakesAPrivateFileOnce_AndTryLoadReadsItBack()
    {
        var dir = Directory.CreateTempSubdirectory();
        try
        {
            var path = Path.Combine(dir.FullName, "master.key");
            var first = MasterKey.Create(path);
            var second = MasterKey.TryLoad(null, path)!;

            second.Bytes.Should().Equal(first.Bytes);
            File.GetUnixFileMode(path).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Test]
    public void MasterKey_FromEnvironment_WinsOverTheFile()
    {
        var bytes = RandomNumberGenerator.GetBytes(MasterKey.Size);
        MasterKey.TryLoad(Convert.ToBase64String(bytes), "/nonexistent/master.key")!.Bytes.Should().Equal(bytes);
    }

    [Test]
    public void MasterKey_OfWrongSize_IsRejected() =>
        FluentActions.Invoking(() => new MasterKey(new byte[16])).Should().Throw<ArgumentException>();
}
