using PersonalCloud.Reconciler.Logs;

namespace PersonalCloud.Reconciler.Tests.Logs;

public sealed class RotationGapTests
{
    private const long Second = 1_000_000_000L;
    private const long Cursor = 1_800_000_000L * Second;

    [TestCase(Cursor - Second, TestName = "Between_OldestHeldLineBeforeTheCursor_IsNoGap")]
    [TestCase(Cursor, TestName = "Between_OldestHeldLineIsTheCursor_IsNoGap")]
    [TestCase(Cursor + 1, TestName = "Between_NoNanosecondBetween_IsNoGap")]
    public void Between_NothingCanBeMissing_IsNull(long oldestHeld) =>
        RotationGap.Between(Cursor, oldestHeld).Should().BeNull();

    [Test]
    public void Between_OldestHeldLineAfterTheCursor_IsOnePlatformLineJustBeforeIt()
    {
        var gap = RotationGap.Between(Cursor, Cursor + (5 * Second));

        gap.Should().NotBeNull();
        gap!.Stream.Should().Be(LogBuffer.PlatformStream);
        gap.UnixNanos.Should().Be(Cursor + (5 * Second) - 1, "the oldest held line itself is still read after the marker");
        gap.Message.Should().StartWith(RotationGap.MessagePrefix)
            .And.Contain("after 2027-01-15T08:00:00.0000000Z and before 2027-01-15T08:00:05.0000000Z");
    }

    [Test]
    public void Between_SeenAgainFromTheMarkersCursor_IsNotRecordedTwice()
    {
        var oldest = Cursor + (5 * Second);
        var gap = RotationGap.Between(Cursor, oldest)!;

        RotationGap.Between(gap.UnixNanos, oldest).Should().BeNull();
    }
}
