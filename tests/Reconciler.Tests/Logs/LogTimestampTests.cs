using PersonalCloud.Reconciler.Containers;

namespace PersonalCloud.Reconciler.Tests.Logs;

public sealed class LogTimestampTests
{
    private const long May1st2024 = 1_714_558_272L * 1_000_000_000L; // 2024-05-01T10:11:12Z

    [TestCase("2024-05-01T10:11:12.123456789Z", 123_456_789L)]
    [TestCase("2024-05-01T10:11:12.1234Z", 123_400_000L)]
    [TestCase("2024-05-01T10:11:12.000000001Z", 1L)]
    [TestCase("2024-05-01T10:11:12Z", 0L)]
    [TestCase("2024-05-01T12:11:12.5+02:00", 500_000_000L)]
    [TestCase("2024-05-01T09:11:12.5-01:00", 500_000_000L)]
    public void TryParseUnixNanos_Rfc3339Nano_KeepsEveryNanosecond(string text, long fraction)
    {
        DockerLogStream.TryParseUnixNanos(text, out var nanos).Should().BeTrue();

        nanos.Should().Be(May1st2024 + fraction);
    }

    [TestCase("")]
    [TestCase("hello")]
    [TestCase("2024-05-01 10:11:12Z")]
    [TestCase("2024-05-01T10:11:12.Z")]
    [TestCase("2024-05-01T10:11:12.1234567891Z")]
    [TestCase("2024-05-01T10:11:12.5")]
    public void TryParseUnixNanos_NotATimestamp_Fails(string text) =>
        DockerLogStream.TryParseUnixNanos(text, out _).Should().BeFalse();

    [Test]
    public void ParseLine_TwoLinesOneNanosecondApart_CompareInOrder()
    {
        var first = DockerLogStream.ParseLine("stdout", "2024-05-01T10:11:12.123456789Z a");
        var second = DockerLogStream.ParseLine("stdout", "2024-05-01T10:11:12.12345679Z b");

        second.UnixNanos.Should().Be(first.UnixNanos + 1, "100 ns ticks would make them equal and the cursor would skip one");
        first.Timestamp.Should().Be(second.Timestamp);
    }

    [Test]
    public void FormatSince_Nanos_IsExactAndInclusiveOfTheCursor()
    {
        DockerLogStream.FormatSince(May1st2024 + 123_456_789L).Should().Be("1714558272.123456789");
        DockerLogStream.FormatSince(0L).Should().Be("0.000000000");
    }
}
