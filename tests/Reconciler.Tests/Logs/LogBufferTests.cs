using PersonalCloud.Reconciler.Containers;
using PersonalCloud.Reconciler.Logs;

namespace PersonalCloud.Reconciler.Tests.Logs;

public sealed class LogBufferTests
{
    private const long Second = 1_000_000_000L;
    private const long Now = 1_800_000_000L * Second;
    private static readonly LogBufferLimits Small = new(MaxLines: 10, MaxBytes: 1 << 20, BatchLines: 4, BatchBytes: 1 << 20, MaxLag: TimeSpan.FromSeconds(3));

    [Test]
    public void Offer_WithRoom_AcceptsAndSaysWhenTheWriterMayBeWaiting()
    {
        var buffer = new LogBuffer(Small);

        buffer.Offer(Line(1), Now, out var firstWasEmpty).Should().Be(OfferResult.Accepted);
        buffer.Offer(Line(2), Now, out var secondWasEmpty).Should().Be(OfferResult.Accepted);

        firstWasEmpty.Should().BeTrue();
        secondWasEmpty.Should().BeFalse();
        buffer.Count.Should().Be(2);
    }

    [Test]
    public void Offer_FullWithRecentLine_PushesBackInsteadOfDropping()
    {
        var buffer = Filled(Small, lineNanos: Now);

        buffer.Offer(Line(Now + 1), Now + Second, out _).Should().Be(OfferResult.Full);

        buffer.DroppedTotal.Should().Be(0);
        buffer.Count.Should().Be(Small.MaxLines);
    }

    [Test]
    public void Offer_FullAndLaggingMoreThanAllowed_DropsAndCounts()
    {
        var buffer = Filled(Small, lineNanos: Now);

        buffer.Offer(Line(Now + 1), Now + (4 * Second), out _).Should().Be(OfferResult.Dropped);
        buffer.Offer(Line(Now + 2), Now + (4 * Second), out _).Should().Be(OfferResult.Dropped);

        buffer.DroppedTotal.Should().Be(2);
        buffer.Count.Should().Be(Small.MaxLines, "memory does not grow");
    }

    [Test]
    public void Offer_CatchingUpAnOldBacklog_PushesBackInsteadOfDropping()
    {
        var hourAgo = Now - (3600 * Second);
        var buffer = Filled(Small, lineNanos: hourAgo, offeredAt: Now);

        buffer.Offer(Line(hourAgo + 1), Now + Second, out _).Should().Be(OfferResult.Full, "the lag is not growing beyond where it started");
        buffer.Offer(Line(hourAgo + 2), Now + (5 * Second), out _).Should().Be(OfferResult.Dropped, "now it falls further behind");
    }

    [Test]
    public void Offer_AfterADropEpisode_KeepsDroppingUntilHalfDrainedThenRecordsOneLineForTheGap()
    {
        var buffer = Filled(Small, lineNanos: Now);
        for (var i = 1; i <= 5; i++)
            buffer.Offer(Line(Now + i), Now + (10 * Second), out _).Should().Be(OfferResult.Dropped);

        var batch = new List<BufferedLine>();
        buffer.TryTake(batch).Should().BeTrue(); // 10 → 6: still above half
        buffer.Offer(Line(Now + 6), Now + (10 * Second), out _).Should().Be(OfferResult.Dropped);
        batch.Clear();
        buffer.TryTake(batch); // 6 → 2
        buffer.Offer(Line(Now + 7), Now + (10 * Second), out _).Should().Be(OfferResult.Accepted);

        var rest = Drain(buffer);
        var marker = rest.Should().ContainSingle(l => l.Dropped > 0).Which;
        marker.Dropped.Should().Be(6);
        marker.Entry.Stream.Should().Be(LogBuffer.PlatformStream);
        marker.Entry.Message.Should().Be("[platform] dropped 6 lines: the app wrote faster than they could be stored");
        marker.Entry.UnixNanos.Should().Be(Now + 6, "the cursor moves past the dropped lines with the marker");
        rest.Select(l => l.Entry.UnixNanos).Should().EndWith([Now + 6, Now + 7], "the marker stands where the gap is");
        buffer.DroppedTotal.Should().Be(6);
    }

    [Test]
    public void Complete_DuringADropEpisode_RecordsTheGapEvenIfNothingFollows()
    {
        var buffer = Filled(Small, lineNanos: Now);
        buffer.Offer(Line(Now + 1), Now + (10 * Second), out _);

        buffer.Complete();

        Drain(buffer).Should().ContainSingle(l => l.Dropped == 1);
        buffer.IsDrained.Should().BeTrue();
    }

    [Test]
    public void Complete_WithoutDrops_AddsNothing()
    {
        var buffer = new LogBuffer(Small);
        buffer.Offer(Line(1), Now, out _);

        buffer.Complete();

        buffer.IsDrained.Should().BeFalse("one line is still waiting");
        Drain(buffer).Should().ContainSingle().Which.Dropped.Should().Be(0);
        buffer.IsDrained.Should().BeTrue();
    }

    [Test]
    public void Offer_ByteCap_BoundsHugeLinesToo()
    {
        var big = new string('x', 1000);
        var limits = Small with { MaxBytes = 3 * LogBuffer.CostOf(new ContainerLogEntry(0, "stdout", big)) };
        var buffer = new LogBuffer(limits);

        for (var i = 0; i < 3; i++)
            buffer.Offer(new ContainerLogEntry(Now, "stdout", big), Now, out _).Should().Be(OfferResult.Accepted);

        buffer.Offer(new ContainerLogEntry(Now, "stdout", big), Now, out _).Should().Be(OfferResult.Full);
        buffer.Count.Should().Be(3);
    }

    [Test]
    public void Offer_EmptyBuffer_AcceptsALineLargerThanTheByteCap()
    {
        var buffer = new LogBuffer(Small with { MaxBytes = 10 });

        buffer.Offer(new ContainerLogEntry(Now, "stdout", "larger than ten bytes"), Now, out _).Should().Be(OfferResult.Accepted);
    }

    [Test]
    public void TryTake_TakesAtMostOneBatchInOrder()
    {
        var buffer = Filled(Small, lineNanos: Now);
        var batch = new List<BufferedLine>();

        buffer.TryTake(batch).Should().BeTrue();

        batch.Should().HaveCount(Small.BatchLines);
        batch.Select(l => l.Entry.Message).Should().Equal("0", "1", "2", "3");
        buffer.Count.Should().Be(Small.MaxLines - Small.BatchLines);
    }

    [Test]
    public void TryTake_ByteLimit_StillTakesOneHugeLine()
    {
        var buffer = new LogBuffer(Small with { BatchBytes = 10 });
        buffer.Offer(new ContainerLogEntry(Now, "stdout", new string('x', 100)), Now, out _);
        buffer.Offer(new ContainerLogEntry(Now, "stdout", "y"), Now, out _);
        var batch = new List<BufferedLine>();

        buffer.TryTake(batch).Should().BeTrue();

        batch.Should().ContainSingle();
    }

    private static ContainerLogEntry Line(long nanos, string? message = null) => new(nanos, "stdout", message ?? nanos.ToString(System.Globalization.CultureInfo.InvariantCulture));

    private static LogBuffer Filled(LogBufferLimits limits, long lineNanos, long? offeredAt = null)
    {
        var buffer = new LogBuffer(limits);
        for (var i = 0; i < limits.MaxLines; i++)
        {
            buffer.Offer(Line(lineNanos, i.ToString(System.Globalization.CultureInfo.InvariantCulture)), offeredAt ?? lineNanos, out _)
                .Should().Be(OfferResult.Accepted);
        }

        return buffer;
    }

    private static List<BufferedLine> Drain(LogBuffer buffer)
    {
        var all = new List<BufferedLine>();
        var batch = new List<BufferedLine>();
        while (buffer.TryTake(batch))
        {
            all.AddRange(batch);
            batch.Clear();
        }

        return all;
    }
}
