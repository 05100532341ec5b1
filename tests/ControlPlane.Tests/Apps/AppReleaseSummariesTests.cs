using PersonalCloud.ControlPlane.Apps;

namespace PersonalCloud.ControlPlane.Tests.Apps;

public sealed class AppReleaseSummariesTests
{
    [Test]
    public void Tail_KeepsTheLastLinesWithText_OldestFirst()
    {
        var log = string.Join("\n", Enumerable.Range(1, 15).Select(i => $"line {i}")) + "\n\n   \r\n";

        AppReleaseSummaries.Tail(log).Should().Equal(Enumerable.Range(6, 10).Select(i => $"line {i}"));
    }

    [Test]
    public void Tail_ClipsALongLine() =>
        AppReleaseSummaries.Tail(new string('x', 600)).Single().Should().HaveLength(AppReleaseSummaries.MaxLineChars + 1).And.EndWith("…");
}
