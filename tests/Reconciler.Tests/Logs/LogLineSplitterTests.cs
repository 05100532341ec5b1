using System.Text;
using PersonalCloud.Reconciler.Containers;

namespace PersonalCloud.Reconciler.Tests.Logs;

public sealed class LogLineSplitterTests
{
    private const string Stamp = "2024-05-01T10:11:12.123456789Z ";

    [Test]
    public void Push_LinesAcrossChunks_AreJoinedAndSplitAtNewlines()
    {
        var splitter = new LogLineSplitter("stdout");

        var first = splitter.Push(Encoding.UTF8.GetBytes(Stamp + "hel"));
        var rest = splitter.Push(Encoding.UTF8.GetBytes("lo\r\n" + Stamp + "world\n"));

        first.Should().BeEmpty();
        rest.Select(e => e.Message).Should().Equal("hello", "world");
        rest.Should().OnlyContain(e => !e.Truncated && e.UnixNanos == 1_714_558_272_123_456_789L);
    }

    [Test]
    public void Push_LineLongerThanTheLimit_IsCutAtTheLimitAndItsRestSkipped()
    {
        var splitter = new LogLineSplitter("stdout");
        var longLine = Stamp + new string('a', 40_000);

        var entries = splitter.Push(Encoding.UTF8.GetBytes(longLine[..20_000]));
        entries.AddRange(splitter.Push(Encoding.UTF8.GetBytes(longLine[20_000..] + "\n" + Stamp + "next\n")));

        entries.Should().HaveCount(2);
        entries[0].Truncated.Should().BeTrue();
        entries[0].Message.Should().Be(new string('a', LogLineSplitter.MaxMessageBytes));
        entries[1].Message.Should().Be("next");
        entries[1].Truncated.Should().BeFalse();
    }

    [Test]
    public void Push_LongLineWithoutNewline_IsEmittedAtOnceAndMemoryStaysBounded()
    {
        var splitter = new LogLineSplitter("stdout");

        var entries = splitter.Push(Encoding.UTF8.GetBytes(Stamp + new string('b', 20_000)));
        for (var i = 0; i < 100; i++)
            entries.AddRange(splitter.Push(new byte[64 * 1024]));

        entries.Should().ContainSingle().Which.Truncated.Should().BeTrue();
        splitter.Flush().Should().BeEmpty();
    }

    [Test]
    public void Push_CutInsideAMultiByteCharacter_BacksUpToTheCharacterStart()
    {
        var splitter = new LogLineSplitter("stdout");
        var message = new string('a', LogLineSplitter.MaxMessageBytes - 1) + "€€";

        var entry = splitter.Push(Encoding.UTF8.GetBytes(Stamp + message + "\n")).Single();

        entry.Truncated.Should().BeTrue();
        entry.Message.Should().Be(new string('a', LogLineSplitter.MaxMessageBytes - 1));
    }

    [TestCase(new byte[] { 0x61, 0x62, 0x63 }, 2, 2)]
    [TestCase(new byte[] { 0x61, 0xE2, 0x82, 0xAC, 0x62 }, 2, 1)]
    [TestCase(new byte[] { 0x61, 0xE2, 0x82, 0xAC, 0x62 }, 4, 4)]
    [TestCase(new byte[] { 0x61, 0x62 }, 5, 2)]
    public void Utf8Boundary_NeverEndsInsideACharacter(byte[] text, int max, int expected) =>
        LogLineSplitter.Utf8Boundary(text, max).Should().Be(expected);
}
