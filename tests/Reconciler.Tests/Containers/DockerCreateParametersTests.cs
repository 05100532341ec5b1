using PersonalCloud.Contracts.Apps;
using PersonalCloud.Contracts.Labels;
using PersonalCloud.Reconciler.Containers;

namespace PersonalCloud.Reconciler.Tests.Containers;

public sealed class DockerCreateParametersTests
{
    private static readonly Guid AppId = Guid.Parse("0b6f3c1e-8f1a-4d0e-9a51-3f7d2c9e4b10");
    private static readonly Guid ReleaseId = Guid.Parse("5d2a9e47-1c3b-4f60-8e2d-7a1b0c9f3e21");

    // Every capability engine 20.10 knows by name (it rejects BPF, PERFMON and CHECKPOINT_RESTORE).
    private static readonly string[] EngineKnownCapabilities =
    [
        "CHOWN", "DAC_OVERRIDE", "DAC_READ_SEARCH", "FOWNER", "FSETID", "KILL", "SETGID", "SETUID", "SETPCAP",
        "LINUX_IMMUTABLE", "NET_BIND_SERVICE", "NET_BROADCAST", "NET_ADMIN", "NET_RAW", "IPC_LOCK", "IPC_OWNER",
        "SYS_MODULE", "SYS_RAWIO", "SYS_CHROOT", "SYS_PTRACE", "SYS_PACCT", "SYS_ADMIN", "SYS_BOOT", "SYS_NICE",
        "SYS_RESOURCE", "SYS_TIME", "SYS_TTY_CONFIG", "MKNOD", "LEASE", "AUDIT_WRITE", "AUDIT_CONTROL", "SETFCAP",
        "MAC_OVERRIDE", "MAC_ADMIN", "SYSLOG", "WAKE_ALARM", "BLOCK_SUSPEND", "AUDIT_READ",
    ];

    private static readonly string[] Profiles = [SecurityProfiles.Default, SecurityProfiles.Strict];

    [Test]
    public void Map_DefaultProfile_DropsDockerDefaultsExceptTheKeptSix()
    {
        var host = DockerCreateParameters.Map(Spec()).HostConfig!;

        host.CapDrop.Should().Contain(["AUDIT_WRITE", "FSETID", "KILL", "MKNOD", "NET_RAW", "SETFCAP", "SETPCAP", "SYS_CHROOT"]);
        host.CapDrop.Should().Contain(["SYS_ADMIN", "NET_ADMIN", "SYS_PTRACE", "SYS_MODULE"]);
        host.CapDrop.Should().NotContain(["CHOWN", "DAC_OVERRIDE", "FOWNER", "SETGID", "SETUID", "NET_BIND_SERVICE"]);
        host.CapDrop.Should().NotContain("ALL");
        host.CapDrop.Should().OnlyHaveUniqueItems();
    }

    [TestCaseSource(nameof(Profiles))]
    public void Map_AnyProfile_HasAReadOnlyRootWithSizeCappedScratchMounts(string profile)
    {
        var host = DockerCreateParameters.Map(Spec(profile: profile)).HostConfig!;

        host.ReadonlyRootfs.Should().BeTrue();
        host.Tmpfs!.Keys.Should().BeEquivalentTo(["/tmp", "/var/tmp", "/run"]);
        host.Tmpfs!.Values.Should().AllSatisfy(options => options.Should().MatchRegex(@"(^|,)size=\d+m(,|$)").And.Contain("nosuid").And.Contain("mode=1777"));
    }

    [Test]
    public void Map_DefaultProfile_ScratchMountsMayHoldPrograms() =>
        DockerCreateParameters.Map(Spec()).HostConfig!.Tmpfs!.Values.Should().AllSatisfy(o => o.Should().NotContain("noexec"));

    [TestCase(null, false, AppSandbox.NonRootUser)]
    [TestCase("", false, AppSandbox.NonRootUser)]
    [TestCase("app", false, null)]
    [TestCase("1000:1000", false, null)]
    [TestCase(null, true, AppSandbox.RootUser)]
    [TestCase("app", true, AppSandbox.RootUser)]
    public void UserFor_ImageWithoutUser_RunsAsNobodyUnlessRootIsAskedFor(string? imageUser, bool runAsRoot, string? expected) =>
        AppSandbox.UserFor(imageUser, runAsRoot).Should().Be(expected);

    [Test]
    public void Map_SpecUser_IsTheContainerUser()
    {
        DockerCreateParameters.Map(Spec() with { User = AppSandbox.NonRootUser }).User.Should().Be("65534:65534");
        DockerCreateParameters.Map(Spec() with { User = null }).User.Should().BeEmpty();
    }

    [Test]
    public void Map_DefaultProfile_KeptAndDroppedCapabilitiesCoverEveryCapabilityTheEngineKnows()
    {
        DockerCreateParameters.DefaultProfileDroppedCapabilities
            .Concat(DockerCreateParameters.DefaultProfileKeptCapabilities)
            .Should().BeEquivalentTo(EngineKnownCapabilities);
    }

    [Test]
    public void Map_StrictProfile_DropsAllAndMakesRootReadOnly()
    {
        var host = DockerCreateParameters.Map(Spec(profile: SecurityProfiles.Strict)).HostConfig!;

        host.CapDrop.Should().Equal("ALL");
        host.ReadonlyRootfs.Should().BeTrue();
        host.Tmpfs!.Values.Should().AllSatisfy(o => o.Should().Contain("noexec"));
    }

    [TestCaseSource(nameof(Profiles))]
    public void Map_AnyProfile_IsUnprivilegedWithNoNewPrivilegesAndNoAddedCapabilities(string profile)
    {
        var host = DockerCreateParameters.Map(Spec(profile: profile)).HostConfig!;

        host.Privileged.Should().BeFalse();
        host.SecurityOpt.Should().Equal("no-new-privileges:true");
        host.CapAdd.Should().BeEmpty();
        host.Init.Should().BeTrue();
    }

    [TestCaseSource(nameof(Profiles))]
    public void Map_AnyProfile_HasNoBindsVolumesOrPublishedPorts(string profile)
    {
        var parameters = DockerCreateParameters.Map(Spec(profile: profile));
        var host = parameters.HostConfig!;

        host.Binds.Should().BeEmpty();
        host.Mounts.Should().BeEmpty();
        host.VolumesFrom.Should().BeEmpty();
        parameters.Volumes.Should().BeNullOrEmpty();
        host.PortBindings.Should().BeEmpty();
        host.PublishAllPorts.Should().BeFalse();
        parameters.ExposedPorts!.Keys.Should().Equal("3000/tcp");
    }

    [Test]
    public void Map_Limits_SetMemoryWithoutExtraSwapCpusAndPids()
    {
        var host = DockerCreateParameters.Map(Spec(limits: new ContainerLimits(256L * 1024 * 1024, 0.5, 128))).HostConfig!;

        host.Memory.Should().Be(256L * 1024 * 1024);
        host.MemorySwap.Should().Be(256L * 1024 * 1024);
        host.NanoCPUs.Should().Be(500_000_000);
        host.PidsLimit.Should().Be(128);
    }

    [Test]
    public void Map_Labels_CarryManagedAppReleaseSpecHashAndWhichReplicaOfWhichProcess()
    {
        var labels = DockerCreateParameters.Map(Spec()).Labels;

        labels.Should().BeEquivalentTo(new Dictionary<string, string>
        {
            [ContainerLabels.Managed] = ContainerLabels.ManagedValue,
            [ContainerLabels.AppId] = AppId.ToString("D"),
            [ContainerLabels.AppName] = "blog",
            [ContainerLabels.ReleaseId] = ReleaseId.ToString("D"),
            [ContainerLabels.SpecHash] = "hash-1",
            [ContainerLabels.Kind] = ContainerLabels.KindProcess,
            [ContainerLabels.Process] = "web",
            [ContainerLabels.ProcessKind] = "web",
            [ContainerLabels.Replica] = "0",
        });
    }

    [Test]
    public void Map_Worker_HasNoPortNoPortVariableAndRunsItsCommandWithSh()
    {
        var parameters = DockerCreateParameters.Map(Spec() with { ProcessKind = "worker", Process = "jobs", Replica = 2, Command = "exec ./work --queue a" });

        parameters.ExposedPorts.Should().BeEmpty();
        parameters.Env.Should().NotContain(e => e.StartsWith("PORT=", StringComparison.Ordinal));
        parameters.Cmd.Should().Equal("/bin/sh", "-c", "exec ./work --queue a");
        parameters.Labels[ContainerLabels.Process].Should().Be("jobs");
        parameters.Labels[ContainerLabels.Replica].Should().Be("2");
        parameters.Labels[ContainerLabels.ProcessKind].Should().Be("worker");
    }

    [Test]
    public void Map_NoCommand_LeavesTheImagesCmd() => DockerCreateParameters.Map(Spec()).Cmd.Should().BeNull();

    [Test]
    public void Map_Environment_IsSortedKeyValuePairsFollowedByPort()
    {
        var env = new Dictionary<string, string> { ["ZETA"] = "z", ["ALPHA"] = "a=b c" };

        DockerCreateParameters.Map(Spec(environment: env)).Env.Should().Equal("ALPHA=a=b c", "ZETA=z", "PORT=3000");
    }

    [Test]
    public void Map_EnvironmentSettingPort_PlatformPortWins()
    {
        var env = new Dictionary<string, string> { ["PORT"] = "9999" };

        DockerCreateParameters.Map(Spec(environment: env)).Env.Should().Equal("PORT=3000");
    }

    [Test]
    public void Map_Network_AttachesOnlyToTheAppNetwork()
    {
        var parameters = DockerCreateParameters.Map(Spec());

        parameters.HostConfig!.NetworkMode.Should().Be("pcloud-app-net");
        parameters.NetworkingConfig!.EndpointsConfig!.Keys.Should().Equal("pcloud-app-net");
    }

    [Test]
    public void Map_Identity_UsesSpecNameImageIdAndAppNameAsHostname()
    {
        var parameters = DockerCreateParameters.Map(Spec());

        parameters.Name.Should().Be("pcloud-blog-1");
        parameters.Image.Should().Be("sha256:abc");
        parameters.Hostname.Should().Be("blog");
    }

    [Test]
    public void Map_RestartAndLogging_LeaveRestartsToTheReconcilerAndRotateJsonLogs()
    {
        var host = DockerCreateParameters.Map(Spec()).HostConfig!;

        host.RestartPolicy!.Name.Should().Be(Docker.DotNet.Models.RestartPolicyKind.No);
        host.LogConfig!.Type.Should().Be("json-file");
        host.LogConfig.Config.Should().BeEquivalentTo(new Dictionary<string, string> { ["max-size"] = "10m", ["max-file"] = "3" });
    }

    [Test]
    public void Map_UnknownProfile_Throws()
    {
        var act = () => DockerCreateParameters.Map(Spec(profile: "relaxed"));

        act.Should().Throw<ArgumentException>().WithMessage("*relaxed*");
    }

    [TestCase("nginx", "nginx", "latest")]
    [TestCase("nginx:1.27", "nginx", "1.27")]
    [TestCase("localhost:5000/team/app", "localhost:5000/team/app", "latest")]
    [TestCase("localhost:5000/team/app:v2", "localhost:5000/team/app", "v2")]
    public void ForPull_Reference_SplitsRepositoryAndTagDefaultingToLatest(string image, string repository, string tag)
    {
        var parameters = DockerCreateParameters.ForPull(image);

        parameters.FromImage.Should().Be(repository);
        parameters.Tag.Should().Be(tag);
    }

    [Test]
    public void ForPull_DigestReference_PullsThatDigest()
    {
        const string image = "nginx@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

        var parameters = DockerCreateParameters.ForPull(image);

        parameters.FromImage.Should().Be(image);
        parameters.Tag.Should().BeNullOrEmpty();
    }

    [Test]
    public void Map_WithVolumes_MountsEachAsANamedVolumeReadWrite_NeverABind()
    {
        var volumeId = Guid.Parse("0192a0c0-0000-7000-8000-0000000000aa");
        var host = DockerCreateParameters.Map(Spec() with { Volumes = [new Reconciler.Volumes.VolumeMount(volumeId, "data", "/data")] }).HostConfig!;

        host.Binds.Should().BeEmpty();
        host.Mounts.Should().ContainSingle().Which.Should().Match<Docker.DotNet.Models.Mount>(m =>
            m.Type == "volume" && m.Source == Contracts.Volumes.VolumeNames.DockerName(volumeId) && m.Target == "/data" && m.ReadOnly == false);
        host.ReadonlyRootfs.Should().BeTrue("the volume is the only writable path besides the scratch tmpfs");
    }

    private static ContainerSpec Spec(
        string profile = SecurityProfiles.Default,
        IReadOnlyDictionary<string, string>? environment = null,
        ContainerLimits? limits = null) =>
        new(
            Name: "pcloud-blog-1",
            ImageId: "sha256:abc",
            AppId: AppId,
            AppName: "blog",
            ReleaseId: ReleaseId,
            SpecHash: "hash-1",
            NetworkName: "pcloud-app-net",
            Port: 3000,
            Environment: environment ?? new Dictionary<string, string>(),
            Limits: limits ?? new ContainerLimits(128L * 1024 * 1024, 1, 256),
            SecurityProfile: profile);
}
