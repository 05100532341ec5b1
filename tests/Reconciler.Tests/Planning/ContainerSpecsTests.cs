using PersonalCloud.Reconciler.Containers;
using static PersonalCloud.Reconciler.Tests.Planning.PlannerScenario;

namespace PersonalCloud.Reconciler.Tests.Planning;

public sealed class ContainerSpecsTests
{
    [Test]
    public void Build_SameInput_GivesTheSameHash() => Spec(DesiredWith()).SpecHash.Should().Be(Spec(DesiredWith()).SpecHash);

    [Test]
    public void Build_ChangedEnvValue_ChangesTheHash()
    {
        var changed = DesiredWith() with { Release = Release(greeting: "bye") };
        Spec(changed).SpecHash.Should().NotBe(Spec(DesiredWith()).SpecHash);
    }

    [Test]
    public void Build_Restart_ChangesTheHash() =>
        Spec(DesiredWith() with { RestartGeneration = 1 }).SpecHash.Should().NotBe(Spec(DesiredWith()).SpecHash);

    [Test]
    public void Build_NewDomain_KeepsTheHash() =>
        Spec(DesiredWith(domains: ["www.example.com"])).SpecHash.Should().Be(Spec(DesiredWith()).SpecHash);

    [Test]
    public void Build_HashNeverContainsAnEnvValue()
    {
        var spec = Spec(DesiredWith());
        spec.SpecHash.Should().MatchRegex("^[0-9a-f]{64}$");
        spec.Name.Should().StartWith("pcloud-hello-").And.NotContain("hi");
    }

    [Test]
    public void Build_RunAsRoot_ChangesTheUserAndTheHash()
    {
        var root = DesiredWith() with { Release = Release() with { RunAsRoot = true } };
        Spec(root).User.Should().Be(AppSandbox.RootUser);
        Spec(DesiredWith()).User.Should().Be(AppSandbox.NonRootUser);
        Spec(root).SpecHash.Should().NotBe(Spec(DesiredWith()).SpecHash);
    }

    [TestCase(null, new[] { 3000 }, 3000)]
    [TestCase(9000, new[] { 3000 }, 9000)]
    [TestCase(9000, new int[0], 9000)]
    [TestCase(9000, new[] { 80, 443 }, 9000)]
    public void ResolvePort_UsesRequestedThenTheOnlyExposedOne(int? requested, int[] exposed, int expected) =>
        ContainerSpecs.ResolvePort(requested, new ResolvedImage("x", "sha256:x", exposed)).Should().Be(expected);

    [TestCase(new int[0], "exposes none (no EXPOSE)")]
    [TestCase(new[] { 80, 443 }, "exposes several (80, 443)")]
    public void ResolvePort_WithNoPortToUse_FailsWithWhatToDo(int[] exposed, string why)
    {
        var resolve = () => ContainerSpecs.ResolvePort(null, new ResolvedImage("x:1", "sha256:x", exposed));
        resolve.Should().Throw<ImageUnavailableException>().Which.Message.Should()
            .Contain("image 'x:1' " + why).And.Contain("PATCH /api/apps/{id} {\"port\": N}");
    }
}
