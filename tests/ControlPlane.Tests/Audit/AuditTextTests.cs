using PersonalCloud.ControlPlane.Audit;

namespace PersonalCloud.ControlPlane.Tests.Audit;

public sealed class AuditTextTests
{
    // Attribute arguments cannot carry a lone surrogate (metadata stores UTF-8): {hi} and {lo} stand for one.
    [TestCase("plain text", "plain text")]
    [TestCase("nul\0here", "nul\u2400here")]
    [TestCase("lone {hi} high", "lone \ufffd high")]
    [TestCase("lone {lo} low", "lone \ufffd low")]
    [TestCase("swapped {lo}{hi} pair", "swapped \ufffd\ufffd pair")]
    [TestCase("pair \ud83d\ude00 kept", "pair \ud83d\ude00 kept")]
    [TestCase("ends high {hi}", "ends high \ufffd")]
    public void Storable_ReplacesWhatPostgresOrNpgsqlRefuse(string text, string stored) =>
        AuditText.Storable(text.Replace("{hi}", "\ud800", StringComparison.Ordinal).Replace("{lo}", "\udc00", StringComparison.Ordinal)).Should().Be(stored);

    [Test]
    public void Storable_LeavesCleanTextTheSameInstance()
    {
        var text = "create app blog";
        AuditText.Storable(text).Should().BeSameAs(text);
        AuditText.Storable(null).Should().BeNull();
    }
}
