using System.Security.Cryptography;
using PersonalCloud.Contracts.Secrets;

namespace PersonalCloud.Contracts.Tests.Secrets;

public sealed class MasterKeyGuardTests
{
    private DirectoryInfo _dir = null!;

    private string KeyFile => Path.Combine(_dir.FullName, "master.key");

    [SetUp]
    public void MakeDataDir() => _dir = Directory.CreateTempSubdirectory();

    [TearDown]
    public void RemoveDataDir() => _dir.Delete(recursive: true);

    [Test]
    public void FirstStart_NoKeyAndNothingSealed_CreatesTheKeyFile()
    {
        var key = MasterKeyGuard.Resolve(null, KeyFile, SealedValuesCensus.Empty);

        File.Exists(KeyFile).Should().BeTrue();
        MasterKey.TryLoad(null, KeyFile)!.Id.Should().Be(key.Id);
    }

    [Test]
    public void MissingKey_WithSealedValues_RefusesAndCreatesNothing()
    {
        var census = new SealedValuesCensus(null, new Dictionary<string, long> { ["0badc0de"] = 3 });

        var refusal = FluentActions.Invoking(() => MasterKeyGuard.Resolve(null, KeyFile, census)).Should().Throw<MasterKeyRefusedException>().Which;

        refusal.Message.Should().Contain("Master key missing").And.Contain(KeyFile).And.Contain("3 sealed values").And.Contain("0badc0de").And.Contain("PCLOUD_MASTER_KEY");
        File.Exists(KeyFile).Should().BeFalse();
    }

    [Test]
    public void MissingKey_WithOnlyARecordedKeyId_Refuses()
    {
        var census = new SealedValuesCensus("0badc0de", new Dictionary<string, long>());

        FluentActions.Invoking(() => MasterKeyGuard.Resolve(null, KeyFile, census)).Should().Throw<MasterKeyRefusedException>()
            .WithMessage("*0badc0de*");
        File.Exists(KeyFile).Should().BeFalse();
    }

    [Test]
    public void KeyFromTheEnvironment_OtherThanTheRecordedOne_IsAWrongKey()
    {
        var wrong = Convert.ToBase64String(RandomNumberGenerator.GetBytes(MasterKey.Size));
        var census = new SealedValuesCensus("0badc0de", new Dictionary<string, long> { ["0badc0de"] = 2 });

        FluentActions.Invoking(() => MasterKeyGuard.Resolve(wrong, KeyFile, census)).Should().Throw<MasterKeyRefusedException>()
            .WithMessage("Wrong master key*PCLOUD_MASTER_KEY*0badc0de*2 sealed values*");
    }

    [Test]
    public void KeyFile_WithValuesSealedByAnotherKey_IsAWrongKey_EvenWithNothingRecorded()
    {
        var key = MasterKey.Create(KeyFile);
        var census = new SealedValuesCensus(null, new Dictionary<string, long> { [key.Id] = 5, ["0badc0de"] = 1 });

        FluentActions.Invoking(() => MasterKeyGuard.Resolve(null, KeyFile, census)).Should().Throw<MasterKeyRefusedException>()
            .WithMessage($"Wrong master key*{KeyFile}*0badc0de*1 sealed values*");
    }

    [Test]
    public void TheRightKey_IsUsed()
    {
        var key = MasterKey.Create(KeyFile);
        var census = new SealedValuesCensus(key.Id, new Dictionary<string, long> { [key.Id] = 4 });

        MasterKeyGuard.Resolve(null, KeyFile, census).Bytes.Should().Equal(key.Bytes);
    }
}
