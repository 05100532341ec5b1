using PersonalCloud.Reconciler.Containers;
using PersonalCloud.Reconciler.Tests.Planning;
using PersonalCloud.Reconciler.Volumes;

namespace PersonalCloud.Reconciler.Tests.Volumes;

/// <summary>Which processes mount which volumes, and that a mount change means a new spec (a rollout).</summary>
public sealed class VolumeSpecTests
{
    private static readonly Guid Data = Guid.Parse("0192a0c0-0000-7000-8000-0000000000d1");

    private static Reconciler.Desired.DesiredApp With(params ReleaseVolume[] volumes)
    {
        var app = ProcessScenario.App([ProcessScenario.Web, ProcessScenario.Worker]);
        return app with { Release = app.Release! with { Volumes = volumes } };
    }

    [Test]
    public void VolumeForOneProcess_IsMountedIntoThatProcessOnly()
    {
        var app = With(new ReleaseVolume(Data, "data", "/data", ["web"]));
        ProcessScenario.SpecOf(app, "web").Spec.Mounts.Should().ContainSingle().Which.Should().Be(new VolumeMount(Data, "data", "/data"));
        ProcessScenario.SpecOf(app, "worker").Spec.Mounts.Should().BeEmpty();
    }

    [Test]
    public void VolumeForEveryProcess_IsMountedIntoAll()
    {
        var app = With(new ReleaseVolume(Data, "data", "/data"));
        ProcessScenario.Specs(app).Should().OnlyContain(p => p.Spec.Mounts.Count == 1);
    }

    [Test]
    public void AddingAVolume_ChangesTheSpecHash_NoVolumesKeepsTheOldOne()
    {
        var without = ProcessScenario.App([ProcessScenario.Web, ProcessScenario.Worker]);
        var none = With();
        var mounted = With(new ReleaseVolume(Data, "data", "/data", ["web"]));

        ProcessScenario.SpecOf(none, "web").Spec.SpecHash.Should().Be(ProcessScenario.SpecOf(without, "web").Spec.SpecHash, "an empty snapshot adds nothing to the hash");
        ProcessScenario.SpecOf(mounted, "web").Spec.SpecHash.Should().NotBe(ProcessScenario.SpecOf(none, "web").Spec.SpecHash);
        ProcessScenario.SpecOf(mounted, "worker").Spec.SpecHash.Should().Be(ProcessScenario.SpecOf(none, "worker").Spec.SpecHash, "the worker mounts nothing new");
    }

    [Test]
    public void ARestoreSwitchedIn_IsTheDockerVolumeMounted_AndRollsTheProcess()
    {
        var before = With(new ReleaseVolume(Data, "data", "/data"));
        var switched = With(new ReleaseVolume(Data, "data", "/data", SwitchedTo: "pcloud-restore-r1"));

        var mount = ProcessScenario.SpecOf(switched, "web").Spec.Mounts.Should().ContainSingle().Subject;
        mount.DockerName.Should().Be("pcloud-restore-r1");
        ProcessScenario.SpecOf(before, "web").Spec.Mounts.Single().DockerName.Should().Be(Contracts.Volumes.VolumeNames.DockerName(Data));
        ProcessScenario.SpecOf(switched, "web").Spec.SpecHash.Should().NotBe(ProcessScenario.SpecOf(before, "web").Spec.SpecHash, "the containers roll to the restored data");
    }

    [Test]
    public void RunsAs_IsTheContainersUserElseTheImages()
    {
        var spec = ProcessScenario.SpecOf(With(new ReleaseVolume(Data, "data", "/data")), "web").Spec;
        spec.RunsAs.Should().Be(spec.User ?? PlannerScenario.Image.User);
        spec.RunsAs.Should().NotBeNull();
    }
}
