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

        buffer.Offer(Line(1), out var firstWasEmpty).Should().Be(OfferResult.Accepted);
        buffer.Offer(Line(2), out var secondWasEmpty).Should().Be(OfferResult.Accepted);

        firstWasEmpty.Should().BeTrue();
        secondWasEmpty.Should().BeFalse();
        buffer.Count.Should().Be(2);
    }

    [Test]
    public void Offer_Full_PushesBackInsteadOfDropping_HoweverOldTheLine()
    {
        var buffer = Filled(Small, lineNanos: Now - (3600 * Second));

        buffer.Offer(Line(Now + 1), out _).Should().Be(OfferResult.Full);
        buffer.Offer(Line(Now - (3600 * Second)), out _).Should().Be(OfferResult.Full);

        buffer.Count.Should().Be(Small.MaxLines, "memory does not grow");
        var batch = new List<BufferedLine>();
        buffer.TryTake(batch);
        buffer.Offer(Line(Now + 1), out _).Should().Be(OfferResult.Accepted, "room made by the writer takes the line that waited");
    }

    [Test]
    public void Complete_AddsNothing()
    {
        var buffer = new LogBuffer(Small);
        buffer.Offer(Line(1), out _);

        buffer.Complete();

        buffer.IsDrained.Should().BeFalse("one line is still waiting");
        Drain(buffer).Should().ContainSingle().Which.IsPlatform.Should().BeFalse();
        buffer.IsDrained.Should().BeTrue();
    }

    [Test]
    public void Offer_ByteCap_BoundsHugeLinesToo()
    {
        var big = new string('x', 1000);
        var limits = Small with { MaxBytes = 3 * LogBuffer.CostOf(new ContainerLogEntry(0, "stdout", big)) };
        var buffer = new LogBuffer(limits);

        for (var i = 0; i < 3; i++)
            buffer.Offer(new ContainerLogEntry(Now, "stdout", big), out _).Should().Be(OfferResult.Accepted);

        buffer.Offer(new ContainerLogEntry(Now, "stdout", big), out _).Should().Be(OfferResult.Full);
        buffer.Count.Should().Be(3);
    }

    [Test]
    public void Offer_EmptyBuffer_AcceptsALineLargerThanTheByteCap()
    {
        var buffer = new LogBuffer(Small with { MaxBytes = 10 });

        buffer.Offer(new ContainerLogEntry(Now, "stdout", "larger than ten bytes"), out _).Should().Be(OfferResult.Accepted);
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
        buffer.Offer(new ContainerLogEntry(Now, "stdout", new string('x', 100)), out _);
        buffer.Offer(new ContainerLogEntry(Now, "stdout", "y"), out _);
        var batch = new List<BufferedLine>();

        buffer.TryTake(batch).Should().BeTrue();

        batch.Should().ContainSingle();
    }

    private static ContainerLogEntry Line(long nanos, string? message = null) => new(nanos, "stdout", message ?? nanos.ToString(System.Globalization.CultureInfo.InvariantCulture));

    private static LogBuffer Filled(LogBufferLimits limits, long lineNanos)
    {
        var buffer = new LogBuffer(limits);
        for (var i = 0; i < limits.MaxLines; i++)
        {
            buffer.Offer(Line(lineNanos, i.ToString(System.Globalization.CultureInfo.InvariantCulture)), out _)
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
