using PersonalCloud.ControlPlane.Auth;

namespace PersonalCloud.ControlPlane.Tests.Auth;

public sealed class ApiTokenTests
{
    [Test]
    public void Load_WithoutConfiguredToken_GeneratesAPrivateFileOnceAndReusesIt()
    {
        var dir = Directory.CreateTempSubdirectory();
        try
        {
            var path = Path.Combine(dir.FullName, "api-token");
            ApiToken.Load(null, path);
            var written = File.ReadAllText(path).Trim();

            written.Should().StartWith("pc_").And.HaveLength(51);
            File.GetUnixFileMode(path).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite);
            ApiToken.Load(null, path).Matches(written).Should().BeTrue();
            File.ReadAllText(path).Trim().Should().Be(written, "a second start keeps the first token");
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Test]
    public void Load_WithConfiguredToken_UsesItAndWritesNoFile()
    {
        var path = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N"));
        var token = ApiToken.Load("configured-token", path);

        token.Matches("configured-token").Should().BeTrue();
        token.Matches("configured-token2").Should().BeFalse();
        token.Matches("").Should().BeFalse();
        File.Exists(path).Should().BeFalse();
    }
}
