using PersonalCloud.Reconciler.Builds;

namespace PersonalCloud.Reconciler.Tests.Builds;

public sealed class GitCommandsTests
{
    private const string Url = "file:///tmp/repo";
    private const string Dir = "/tmp/build/src";

    [Test]
    public void Checkout_OfABranch_IsOneShallowCloneOfThatBranch() =>
        GitCommands.Checkout(Url, "main", Dir).Should().BeEquivalentTo(
            new[] { new[] { "clone", "--depth", "1", "--branch", "main", "--", Url, Dir } }, o => o.WithStrictOrdering());

    [Test]
    public void Checkout_WithoutARef_ClonesTheDefaultBranchShallowly() =>
        GitCommands.Checkout(Url, null, Dir).Should().BeEquivalentTo(
            new[] { new[] { "clone", "--depth", "1", "--", Url, Dir } }, o => o.WithStrictOrdering());

    [TestCase("3f2a9c1")]
    [TestCase("3f2a9c1e0b5d4a6f8e7d6c5b4a3f2e1d0c9b8a7f")]
    public void Checkout_OfACommitId_ClonesFullyThenChecksItOut(string commit) =>
        GitCommands.Checkout(Url, commit, Dir).Should().BeEquivalentTo(
            new[]
            {
                new[] { "clone", "--no-checkout", "--", Url, Dir },
                new[] { "-C", Dir, "checkout", "--detach", commit },
            },
            o => o.WithStrictOrdering());

    [TestCase("--upload-pack=touch /tmp/x")]
    [TestCase("-b")]
    [TestCase("main; rm -rf /")]
    [TestCase("")]
    public void Checkout_RefusesARefThatIsNotAName(string reference)
    {
        var act = () => GitCommands.Checkout(Url, reference, Dir);

        act.Should().Throw<ArgumentException>();
    }

    [TestCase("ftp://x/repo")]
    [TestCase("ext::sh -c touch% /tmp/pwned")]
    [TestCase("--upload-pack=x")]
    [TestCase("relative/path")]
    public void Checkout_RefusesAUrlOutsideTheAllowedSchemes(string url)
    {
        var act = () => GitCommands.Checkout(url, "main", Dir);

        act.Should().Throw<ArgumentException>();
    }

    [TestCase("v1.2.3", false)]
    [TestCase("feature/x", false)]
    [TestCase("abc", false)]
    [TestCase("deadbeef", true)]
    public void IsCommitId_MatchesHexNamesOfSevenOrMoreDigits(string reference, bool expected) =>
        GitCommands.IsCommitId(reference).Should().Be(expected);

    [Test]
    public void Redact_HidesTheCredentialsOfTheUrl() =>
        GitCommands.Redact("fatal: repository 'https://bot:s3cret@example.com/r.git/' not found", "https://bot:s3cret@example.com/r.git")
            .Should().Be("fatal: repository 'https://***@example.com/r.git/' not found");

    [Test]
    public void Redact_WithoutCredentials_ChangesNothing() =>
        GitCommands.Redact("Cloning into 'src'...", Url).Should().Be("Cloning into 'src'...");
}
