using PersonalCloud.Reconciler.Containers;

namespace PersonalCloud.Reconciler.Tests.Containers;

public sealed class DockerLogStreamTests
{
    [Test]
    public void ParseLine_NanosecondTimestamp_SplitsTimestampAndMessage()
    {
        var entry = DockerLogStream.ParseLine("stdout", "2024-05-01T10:11:12.123456789Z hello world\r");

        entry.Timestamp.Should().Be(new DateTimeOffset(2024, 5, 1, 10, 11, 12, TimeSpan.Zero).AddTicks(1_234_567));
        entry.Stream.Should().Be("stdout");
        entry.Message.Should().Be("hello world");
    }

    [TestCase("2024-05-01T10:11:12Z")]
    [TestCase("2024-05-01T10:11:12.5Z")]
    public void TryParseTimestamp_ShortFractions_Parse(string text)
    {
        DockerLogStream.TryParseTimestamp(text, out var timestamp).Should().BeTrue();

        timestamp.Offset.Should().Be(TimeSpan.Zero);
    }

    [Test]
    public void ParseLine_WithoutTimestamp_KeepsWholeLineAtEpoch()
    {
        var entry = DockerLogStream.ParseLine("stderr", "no timestamp here");

        entry.Timestamp.Should().Be(DateTimeOffset.UnixEpoch);
        entry.Message.Should().Be("no timestamp here");
    }

    [Test]
    public void FormatSince_KeepsSubSecondPrecisionInNanoseconds()
    {
        var since = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000).AddTicks(1_234_567);

        DockerLogStream.FormatSince(since).Should().Be("1700000000.123456700");
    }
}
