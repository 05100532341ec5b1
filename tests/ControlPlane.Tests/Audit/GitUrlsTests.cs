using PersonalCloud.ControlPlane.Audit;

namespace PersonalCloud.ControlPlane.Tests.Audit;

public sealed class GitUrlsTests
{
    [TestCase("https://github.com/me/app.git", "https://github.com/me/app.git")]
    [TestCase("https://user:token@github.com/me/app.git", "https://github.com/me/app.git")]
    [TestCase("https://tok@en@host/x", "https://host/x")]
    [TestCase("https://host/path@not-userinfo", "https://host/path@not-userinfo")]
    [TestCase("https://host/repo.git?private_token=abc#frag", "https://host/repo.git")]
    [TestCase("ghp_token@github.com:me/app.git", "github.com:me/app.git")]
    [TestCase("file:///srv/repos/app", "file:///srv/repos/app")]
    [TestCase("", "")]
    [TestCase("/local/path", "/local/path")]
    public void WithoutCredentials_DropsUserInfoQueryAndFragment(string url, string expected) =>
        GitUrls.WithoutCredentials(url).Should().Be(expected);
}
