using Microsoft.Extensions.Time.Testing;
using PersonalCloud.Reconciler.Loop;

namespace PersonalCloud.Reconciler.Tests.Loop;

public sealed class WorkQueueTests
{
    private static readonly Guid A = Guid.NewGuid();
    private static readonly Guid B = Guid.NewGuid();

    [Test]
    public async Task Add_SameKeyTwice_IsHandedOutOnce()
    {
        var queue = new WorkQueue(new FakeTimeProvider());
        queue.Add(A);
        queue.Add(A);
        queue.Add(B);

        (await queue.TakeAsync(CancellationToken.None)).Should().Be(A);
        (await queue.TakeAsync(CancellationToken.None)).Should().Be(B);
        queue.Pending.Should().Be(0);
    }

    [Test]
    public async Task Add_WhileProcessing_IsQueuedAgainOnlyAfterDone()
    {
        var queue = new WorkQueue(new FakeTimeProvider());
        queue.Add(A);
        (await queue.TakeAsync(CancellationToken.None)).Should().Be(A);

        queue.Add(A);
        using var early = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        await FluentActions.Awaiting(async () => await queue.TakeAsync(early.Token)).Should().ThrowAsync<OperationCanceledException>(
            "a key being processed is never handed to a second worker");

        queue.Done(A);
        (await queue.TakeAsync(CancellationToken.None)).Should().Be(A);
    }

    [Test]
    public async Task AddAfter_WaitsForTheDelayOnTheTimeProvider()
    {
        var time = new FakeTimeProvider();
        var queue = new WorkQueue(time);
        queue.AddAfter(A, TimeSpan.FromSeconds(5));
        queue.Pending.Should().Be(0);

        time.Advance(TimeSpan.FromSeconds(5));
        (await queue.TakeAsync(CancellationToken.None)).Should().Be(A);
    }
}
