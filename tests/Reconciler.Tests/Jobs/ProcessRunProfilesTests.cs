using PersonalCloud.Contracts.Processes;
using PersonalCloud.Reconciler.Containers;
using PersonalCloud.Reconciler.Jobs;

namespace PersonalCloud.Reconciler.Tests.Jobs;

public sealed class ProcessRunProfilesTests
{
    private static readonly ContainerLimits AppLimits = new(256L * 1024 * 1024, 0.5, 256);

    private static RunRelease Release(IReadOnlyList<ProcessDefinition>? processes) =>
        new(Guid.NewGuid(), "shop", Guid.NewGuid(), "sha256:abc", 8080, new Dictionary<string, string>(), AppLimits, "default", false,
            TimeSpan.FromSeconds(10), processes);

    private static ResolvedImage Image(string? procfile = null) =>
        new("shop:1", "sha256:abc", [8080], Procfile: procfile is null ? null : Procfile.Parse(procfile).Procfile);

    [Test]
    public void For_NoProcessNamed_RunsWithTheAppsLimitsAndNoDefaultCommand()
    {
        var (profile, error) = ProcessRunProfiles.For(Release(null), Image(), null);

        error.Should().BeNull();
        profile.Should().Be(new RunProfile(AppLimits, null));
    }

    [Test]
    public void For_AnApiDefinedProcess_TakesItsOwnLimitsAndCommand_AndTheAppsForWhatItLeavesOut()
    {
        var release = Release([ProcessDefinition.DefaultWeb, new ProcessDefinition("worker", ProcessKinds.Worker, "./work", 1, MemoryMb: 64)]);

        var (profile, _) = ProcessRunProfiles.For(release, Image(), "worker");

        profile.Should().Be(new RunProfile(new ContainerLimits(64L * 1024 * 1024, 0.5, 256), "./work"));
    }

    [Test]
    public void For_AProcessOnlyTheProcfileDeclares_RunsItsProcfileCommand()
    {
        var (profile, error) = ProcessRunProfiles.For(Release(null), Image("web: ./serve\nclock: ./tick\n"), "clock");

        error.Should().BeNull();
        profile!.DefaultCommand.Should().Be("./tick");
        profile.Limits.Should().Be(AppLimits);
    }

    [Test]
    public void For_AProcessTheReleaseDoesNotHave_SaysWhichItHas()
    {
        var (profile, error) = ProcessRunProfiles.For(Release(null), Image(), "worker");

        profile.Should().BeNull();
        error.Should().Be("the serving release has no process 'worker' (it has web); name one of those, or none to run with the app's limits");
    }
}
