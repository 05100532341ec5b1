using PersonalCloud.Contracts.Validation;

namespace PersonalCloud.Contracts.Tests.Processes;

public sealed class ProcessRulesTests
{
    [TestCase("web", true)]
    [TestCase("queue-2", true)]
    [TestCase("Web", false)]
    [TestCase("-web", false)]
    [TestCase("my_worker", false)]
    [TestCase("release", false)]
    [TestCase("", false)]
    public void Name_IsADnsLabelOtherThanRelease(string name, bool valid) => (ProcessRules.Name(name) is null).Should().Be(valid);

    [TestCase(0, true)]
    [TestCase(20, true)]
    [TestCase(21, false)]
    [TestCase(-1, false)]
    public void Replicas_ZeroToTwenty(int replicas, bool valid) => (ProcessRules.Replicas(replicas) is null).Should().Be(valid);

    [TestCase("stop-first", "worker", true)]
    [TestCase("stop-first", "web", false)]
    [TestCase("sideways", "worker", false)]
    public void UpdateOrder_StopFirstOnlyForAWorker(string order, string kind, bool valid) => (ProcessRules.UpdateOrder(order, kind) is null).Should().Be(valid);

    [Test]
    public void Liveness_IsForAWorker() => ProcessRules.Liveness("test -f /tmp/ok", "web").Should().Contain("HTTP");

    [TestCase("   ", false)]
    [TestCase("a\0b", false)]
    [TestCase("exec ./work", true)]
    public void Command_HasTextAndNoNul(string command, bool valid) => (ProcessRules.Command(command) is null).Should().Be(valid);
}
