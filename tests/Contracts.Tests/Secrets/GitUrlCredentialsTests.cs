using PersonalCloud.Contracts.Secrets;

namespace PersonalCloud.Contracts.Tests.Secrets;

public sealed class GitUrlCredentialsTests
{
    [TestCase("https://user:token@git.example.com/team/repo.git", "https://user:***@git.example.com/team/repo.git")]
    [TestCase("https://token@git.example.com/repo.git", "https://***@git.example.com/repo.git")]
    [TestCase("http://u:p@127.0.0.1:8080/r.git", "http://u:***@127.0.0.1:8080/r.git")]
    [TestCase("https://git.example.com/repo.git?private_token=abc", "https://git.example.com/repo.git?***")]
    [TestCase("https://git.example.com/repo.git", "https://git.example.com/repo.git")]
    [TestCase("file:///srv/git/repo", "file:///srv/git/repo")]
    public void Masked_HidesPasswordsTokensAndQueries_KeepsTheRest(string url, string masked) =>
        GitUrlCredentials.Masked(url).Should().Be(masked);

    [TestCase("https://user:token@host/r.git", true)]
    [TestCase("https://host/r.git?t=1", true)]
    [TestCase("https://host/r.git", false)]
    [TestCase("file:///srv/git/repo", false)]
    public void HasCredentials_OnlyForUserInfoOrAQuery(string url, bool expected) =>
        GitUrlCredentials.HasCredentials(url).Should().Be(expected);
}
