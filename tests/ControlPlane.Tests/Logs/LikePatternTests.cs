using PersonalCloud.ControlPlane.Logs;

namespace PersonalCloud.ControlPlane.Tests.Logs;

public sealed class LikePatternTests
{
    [TestCase("timeout", "%timeout%")]
    [TestCase("100%", @"%100\%%")]
    [TestCase("user_id", @"%user\_id%")]
    [TestCase(@"C:\temp", @"%C:\\temp%")]
    [TestCase(@"\%_", @"%\\\%\_%")]
    public void Contains_EscapesWildcardsAndTheEscapeCharacter(string text, string pattern) =>
        LikePattern.Contains(text).Should().Be(pattern);
}
