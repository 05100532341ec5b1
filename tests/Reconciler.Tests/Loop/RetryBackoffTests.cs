using PersonalCloud.Reconciler.Loop;

namespace PersonalCloud.Reconciler.Tests.Loop;

public sealed class RetryBackoffTests
{
    private static readonly TimeSpan Initial = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Max = TimeSpan.FromMinutes(5);

    [TestCase(1, 1)]
    [TestCase(2, 2)]
    [TestCase(3, 4)]
    [TestCase(9, 256)]
    [TestCase(10, 300)]
    [TestCase(50, 300)]
    public void Delay_DoublesUpToTheCap(int failures, int expectedSeconds) =>
        RetryBackoff.Delay(failures, Initial, Max, 0.5).Should().Be(TimeSpan.FromSeconds(expectedSeconds));

    [Test]
    public void Delay_JitterStaysWithinTwentyPercent()
    {
        RetryBackoff.Delay(3, Initial, Max, 0).Should().Be(TimeSpan.FromSeconds(3.2));
        RetryBackoff.Delay(3, Initial, Max, 1).Should().Be(TimeSpan.FromSeconds(4.8));
    }

    [Test]
    public void NextDelay_GrowsPerKey_AndResetStartsOver()
    {
        var backoff = new RetryBackoff(Initial, Max, () => 0.5);
        var key = Guid.NewGuid();
        backoff.NextDelay(key).Should().Be(TimeSpan.FromSeconds(1));
        backoff.NextDelay(key).Should().Be(TimeSpan.FromSeconds(2));
        backoff.NextDelay(Guid.NewGuid()).Should().Be(TimeSpan.FromSeconds(1), "each app has its own count");

        backoff.Reset(key);
        backoff.NextDelay(key).Should().Be(TimeSpan.FromSeconds(1));
    }

    [Test]
    public void Next_CountsAttemptsPerKey()
    {
        var backoff = new RetryBackoff(Initial, Max, () => 0.5);
        var key = Guid.NewGuid();
        backoff.Next(key).Attempt.Should().Be(1);
        backoff.Next(key).Should().Be((TimeSpan.FromSeconds(2), 2));
        backoff.Next(Guid.NewGuid()).Attempt.Should().Be(1);
    }
}
