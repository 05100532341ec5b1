using PersonalCloud.Contracts.Apps;
using PersonalCloud.Reconciler.Containers;

namespace PersonalCloud.Reconciler.Tests.Containers;

public sealed class DockerRunCommandTests
{
    private static ContainerSpec Spec(string profile = SecurityProfiles.Default) => new(
        "pcloud-hello-abc", "sha256:" + new string('a', 64), Guid.Parse("0193a000-0000-7000-8000-000000000001"), "hello",
        Guid.Parse("0193a000-0000-7000-8000-0000000000a1"), "abc", "pcloud-app-x", 8080,
        new Dictionary<string, string> { ["DATABASE_PASSWORD"] = "hunter2-secret", ["GREETING"] = "it's me" },
        new ContainerLimits(256L * 1024 * 1024, 0.5, 256), profile);

    [Test]
    public void Render_NeverContainsEnvValues_OnlyReferences()
    {
        var command = DockerRunCommand.Render(Spec());

        command.Should().NotContain("hunter2-secret").And.NotContain("it's me");
        command.Should().Contain("--env DATABASE_PASSWORD").And.Contain("--env GREETING").And.Contain("--env PORT=8080");
    }

    [Test]
    public void Render_ShowsTheHardeningAndLimits()
    {
        var command = DockerRunCommand.Render(Spec());

        command.Should().StartWith("docker run --detach --name pcloud-hello-abc --hostname hello --network pcloud-app-x --init");
        command.Should().Contain("--security-opt no-new-privileges:true").And.Contain("--cap-drop NET_RAW")
            .And.Contain("--memory 268435456").And.Contain("--cpus 0.5").And.Contain("--pids-limit 256")
            .And.Contain("--log-opt max-size=10m").And.EndWith("sha256:" + new string('a', 64));
        command.Should().NotContain("--cap-add").And.NotContain("--publish").And.NotContain("--volume");
    }

    [Test]
    public void Render_StrictProfile_DropsAllAndIsReadOnly() =>
        DockerRunCommand.Render(Spec(SecurityProfiles.Strict)).Should().Contain("--cap-drop ALL").And.Contain("--read-only")
            .And.Contain("--tmpfs /tmp:rw,noexec,nosuid,nodev,size=64m,mode=1777");

    [Test]
    public void Render_DefaultProfile_IsReadOnlyWithScratchAndItsUser() =>
        DockerRunCommand.Render(Spec() with { User = "65534:65534" }).Should().Contain("--read-only")
            .And.Contain("--tmpfs /tmp:rw,nosuid,nodev,size=64m,mode=1777").And.Contain("--user 65534:65534");
}
