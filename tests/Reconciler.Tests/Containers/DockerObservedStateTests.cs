using Docker.DotNet.Models;
using PersonalCloud.Contracts.Labels;
using PersonalCloud.Reconciler.Containers;
using ContainerState = PersonalCloud.Reconciler.Containers.ContainerState;

namespace PersonalCloud.Reconciler.Tests.Containers;

public sealed class DockerObservedStateTests
{
    private static readonly Guid AppId = Guid.Parse("0b6f3c1e-8f1a-4d0e-9a51-3f7d2c9e4b10");
    private static readonly Guid ReleaseId = Guid.Parse("5d2a9e47-1c3b-4f60-8e2d-7a1b0c9f3e21");

    [Test]
    public void ToObserved_OfARunningContainersInspect_ReadsItsLabelsStateAndAddress()
    {
        var observed = DockerObservedState.ToObserved(Inspect("running", 0, "172.30.0.2"));

        observed.Should().BeEquivalentTo(new ObservedContainer("abc", "pcloud-hello-1", AppId, ReleaseId, "hash1", ContainerState.Running, null,
            "172.30.0.2", new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero)));
    }

    [Test]
    public void ToObserved_OfAnExitedContainersInspect_KeepsItsExitCode()
    {
        var observed = DockerObservedState.ToObserved(Inspect("exited", 3, ""));

        observed!.State.Should().Be(ContainerState.Exited);
        observed.ExitCode.Should().Be(3);
        observed.IpAddress.Should().BeNull();
    }

    [Test]
    public void ToEvent_OfADie_CarriesTheExitCode()
    {
        var message = new Message
        {
            Action = "die",
            Actor = new Actor { ID = "abc", Attributes = new Dictionary<string, string> { [ContainerLabels.AppId] = AppId.ToString(), ["exitCode"] = "137" } },
        };

        DockerObservedState.ToEvent(message).Should().Be(new ContainerEvent(AppId, "abc", "die", 137));
    }

    [Test]
    public void ToObserved_OfAnInspectWithoutTheAppIdLabel_IsNull()
    {
        var inspect = Inspect("running", 0, "172.30.0.2");
        inspect.Config!.Labels.Remove(ContainerLabels.AppId);

        DockerObservedState.ToObserved(inspect).Should().BeNull();
    }

    private static ContainerInspectResponse Inspect(string status, long exitCode, string ip) => new()
    {
        ID = "abc",
        Name = "/pcloud-hello-1",
        Created = new DateTime(2026, 11, 28, 12, 0, 0, DateTimeKind.Utc),
        State = new() { Status = status, ExitCode = exitCode },
        Config = new()
        {
            Labels = new Dictionary<string, string>
            {
                [ContainerLabels.AppId] = AppId.ToString("D"),
                [ContainerLabels.ReleaseId] = ReleaseId.ToString("D"),
                [ContainerLabels.SpecHash] = "hash1",
            },
        },
        NetworkSettings = new()
        {
            Networks = new Dictionary<string, EndpointSettings> { ["pcloud-app"] = new() { IPAddress = ip } },
        },
    };
}
