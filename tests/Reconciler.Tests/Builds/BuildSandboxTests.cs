using PersonalCloud.Reconciler.Builds;
using PersonalCloud.Reconciler.Containers;

namespace PersonalCloud.Reconciler.Tests.Builds;

public sealed class BuildSandboxTests
{
    private static readonly BuildOptions Defaults = new();

    [Test]
    public void From_Defaults_OneGibibyteOneCpuAndNamesOfTheInstance()
    {
        var sandbox = BuildSandbox.From(Defaults, "prod");

        sandbox.MemoryBytes.Should().Be(1024L * 1024 * 1024);
        sandbox.CpuQuotaMicros.Should().Be(BuildSandbox.CpuPeriod, "one CPU is one whole period");
        sandbox.CgroupParent.Should().Be("pcloud-builds-prod");
        sandbox.NetworkName.Should().Be("pcloud-build-prod");
    }

    [TestCase("default")]
    [TestCase("integration-tests-5-a-very-long-instance-name-that-goes-on-and-on")]
    public void BridgeNameOf_AnyInstance_FitsALinuxInterfaceName(string instance) =>
        BuildSandbox.BridgeNameOf(instance).Should().StartWith("pcb-").And.HaveLength(15);

    [Test]
    public void BridgeNameOf_TwoInstances_Differ() =>
        BuildSandbox.BridgeNameOf("a").Should().NotBe(BuildSandbox.BridgeNameOf("b"));

    [Test]
    public void Query_CarriesEveryLimitAndEscapesTheLabels()
    {
        var sandbox = BuildSandbox.From(new BuildOptions { MemoryMb = 256, Cpus = 0.5 }, "x");

        var query = DockerBuildRequest.Query("pcloud/app:1", new Dictionary<string, string> { ["b"] = "2", ["a"] = "1" }, sandbox);

        query.Split('&').Should().Equal(
            "t=pcloud%2Fapp%3A1", "labels=%7B%22a%22%3A%221%22%2C%22b%22%3A%222%22%7D", "rm=1", "forcerm=1",
            "memory=268435456", "memswap=268435456", "cpuperiod=100000", "cpuquota=50000",
            "cgroupparent=%2Fpcloud-builds-x", "networkmode=pcloud-build-x");
    }
}
