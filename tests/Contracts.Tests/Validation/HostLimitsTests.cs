using PersonalCloud.Contracts.Hosting;
using PersonalCloud.Contracts.Validation;

namespace PersonalCloud.Contracts.Tests.Validation;

public sealed class HostLimitsTests
{
    private static readonly HostCapacity Host = new(2, 4L * 1024 * 1024 * 1024);

    [TestCase(4096, true)]
    [TestCase(4097, false)]
    [TestCase(null, true)]
    public void MemoryMb_UpToTheHostsMemory(int? mb, bool valid)
    {
        var message = HostLimits.MemoryMb(mb, Host);
        (message is null).Should().Be(valid);
        if (!valid)
            message.Should().Contain("4096 MB here");
    }

    [TestCase(2.0, true)]
    [TestCase(0.5, true)]
    [TestCase(2.5, false)]
    [TestCase(null, true)]
    public void Cpus_UpToTheHostsCpus(double? cpus, bool valid)
    {
        var message = HostLimits.Cpus(cpus, Host);
        (message is null).Should().Be(valid);
        if (!valid)
            message.Should().Contain("the host has 2");
    }

    [Test]
    public void BeforeTheHostIsKnown_OnlyTheFixedBoundsApply()
    {
        HostLimits.MemoryMb(65536, null).Should().BeNull();
        HostLimits.Cpus(64, null).Should().BeNull();
    }
}
