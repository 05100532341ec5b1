using PersonalCloud.Contracts.Apps;
using PersonalCloud.Contracts.Labels;
using PersonalCloud.Contracts.Processes;
using PersonalCloud.Reconciler.Containers;
using PersonalCloud.Reconciler.Status;

namespace PersonalCloud.Reconciler.Tests.Status;

public sealed class ContainerLifecycleTests
{
    [TestCase(ContainerLabels.KindProcess, ProcessKinds.Web, ProcessKinds.Web)]
    [TestCase(ContainerLabels.KindProcess, ProcessKinds.Worker, ProcessKinds.Worker)]
    [TestCase(ContainerLabels.KindReleaseCommand, ProcessKinds.Worker, ContainerLabels.KindReleaseCommand)]
    public void RecordedKind_IsTheProcessKind_OrWhatElseTheContainerIs(string containerKind, string processKind, string expected) =>
        ContainerLifecycle.RecordedKind(Spec() with { Kind = containerKind, ProcessKind = processKind }).Should().Be(expected);

    private static ContainerSpec Spec() => new(
        "pcloud-hello-worker-0-abc", "sha256:" + new string('a', 64), Guid.Parse("0193a000-0000-7000-8000-000000000001"), "hello",
        Guid.Parse("0193a000-0000-7000-8000-0000000000a1"), "abc", "pcloud-app-x", 8080,
        new Dictionary<string, string>(), new ContainerLimits(256L * 1024 * 1024, 0.5, 256), SecurityProfiles.Default);
}
