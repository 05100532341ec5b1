using PersonalCloud.ControlPlane.Logs;

namespace PersonalCloud.ControlPlane.Tests.Logs;

public sealed class LiveCursorTests
{
    private static readonly DateTimeOffset T0 = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(5);

    [Test]
    public void Fresh_HasNoWindow() => new LiveCursor(100, Settle, 1000).LateWindow(T0).Should().BeNull();

    [Test]
    public void ContiguousIds_LeaveNothingToLookFor()
    {
        var cursor = new LiveCursor(100, Settle, 1000);
        cursor.Sent(101, T0);
        cursor.LateWindow(T0).Should().BeNull("no id between 100 and 101 can still arrive");
    }

    [Test]
    public void AGapAfterSending_IsAWindowExcludingWhatWasSent()
    {
        var cursor = new LiveCursor(100, Settle, 1000);
        cursor.Sent(103, T0);
        cursor.Sent(105, T0);

        var window = cursor.LateWindow(T0.AddSeconds(1))!.Value;
        window.After.Should().Be(100);
        window.Before.Should().Be(105);
        window.Sent.Should().BeEquivalentTo([103L, 105L]);
        cursor.LastId.Should().Be(105);
    }

    [Test]
    public void ALateLine_IsSentOnce_AndDoesNotMoveLastId()
    {
        var cursor = new LiveCursor(100, Settle, 1000);
        cursor.Sent(105, T0);
        cursor.WasSent(102).Should().BeFalse();
        cursor.Sent(102, T0.AddSeconds(1));

        cursor.WasSent(102).Should().BeTrue();
        cursor.LastId.Should().Be(105);
    }

    [Test]
    public void AfterTheSettleWindow_EverythingSentIsForgotten_AndTheFloorCatchesUp()
    {
        var cursor = new LiveCursor(100, Settle, 1000);
        cursor.Sent(103, T0);
        cursor.Sent(110, T0.AddSeconds(3));

        cursor.LateWindow(T0.AddSeconds(6))!.Value.After.Should().Be(103, "103 settled, 110 not yet");
        cursor.LateWindow(T0.AddSeconds(9)).Should().BeNull();
        cursor.Floor.Should().Be(110);
        cursor.WasSent(104).Should().BeTrue("below the floor counts as settled");
    }

    [Test]
    public void MoreThanItRemembers_ForgetsTheOldestFirst()
    {
        var cursor = new LiveCursor(0, Settle, 3);
        foreach (var id in new long[] { 2, 4, 6, 8, 10 })
            cursor.Sent(id, T0);

        var window = cursor.LateWindow(T0)!.Value;
        window.After.Should().Be(4);
        window.Sent.Should().BeEquivalentTo([6L, 8L, 10L]);
    }
}
