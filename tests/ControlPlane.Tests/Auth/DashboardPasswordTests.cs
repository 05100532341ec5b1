using PersonalCloud.ControlPlane.Auth;

namespace PersonalCloud.ControlPlane.Tests.Auth;

public sealed class DashboardPasswordTests
{
    [Test]
    public void Load_WithoutConfiguredPassword_GeneratesAPrivateFileOnceAndReusesIt()
    {
        var dir = Directory.CreateTempSubdirectory();
        try
        {
            var path = Path.Combine(dir.FullName, "dashboard-password");
            var first = DashboardPassword.Load(null, path);
            var written = File.ReadAllText(path).Trim();

            written.Should().MatchRegex("^[0-9a-f]{32}$");
            File.GetUnixFileMode(path).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite);
            first.Matches(written).Should().BeTrue();
            DashboardPassword.Load(null, path).Fingerprint.Should().Be(first.Fingerprint, "a second start keeps the first password, and its sessions");
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Test]
    public void Matches_OnlyTheExactSecret()
    {
        var password = DashboardPassword.Load("  correct horse battery  ", Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N")));

        password.Matches("correct horse battery").Should().BeTrue("configured values are trimmed");
        password.Matches("correct horse batter").Should().BeFalse();
        password.Matches("correct horse battery!").Should().BeFalse();
        password.Matches("").Should().BeFalse();
    }

    [Test]
    public void Fingerprint_DiffersPerSecret_AndRevealsNeitherTheSecretNorItsPlainHash()
    {
        var a = new DashboardPassword("first-password-1");
        var b = new DashboardPassword("first-password-2");
        var token = new ApiToken("first-password-1");

        a.Fingerprint.Should().NotBe(b.Fingerprint);
        a.Fingerprint.Should().Be(token.Fingerprint, "the fingerprint depends on the value alone");
        a.Fingerprint.Should().NotContain("first-password-1");
        a.Fingerprint.Should().NotBe(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData("first-password-1"u8))[..32]);
    }
}
