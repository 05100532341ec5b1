using static PersonalCloud.Reconciler.Tests.Planning.PlannerScenario;

namespace PersonalCloud.Reconciler.Tests.Planning;

/// <summary>
/// Apps made before processes existed became one web process (migration 0021): their running container must keep its
/// spec hash, or the upgrade would replace every app's container. The value is what the hash was before processes.
/// </summary>
public sealed class LegacySpecHashTests
{
    private const string HashBeforeProcesses = "ce9c46122a8b1f36968bbedb771cececd59f7fa8738c17de3c9c0dcaae93906e";

    [Test]
    public void Build_DefaultWebProcess_KeepsTheHashContainersHadBeforeProcesses() =>
        Spec(DesiredWith()).SpecHash.Should().Be(HashBeforeProcesses);
}
