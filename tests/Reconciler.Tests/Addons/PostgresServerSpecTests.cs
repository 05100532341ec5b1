using PersonalCloud.Contracts.Addons;
using PersonalCloud.Contracts.Labels;
using PersonalCloud.Reconciler.Addons;
using PersonalCloud.Reconciler.Containers;

namespace PersonalCloud.Reconciler.Tests.Addons;

public sealed class PostgresServerSpecTests
{
    private static readonly DesiredAddon Addon = new(Guid.NewGuid(), Guid.NewGuid(), "shop", "postgres", "15", "app", "app", "secret");
    private static readonly AddonLimits Limits = new(256L * 1024 * 1024, 1, 256);

    [Test]
    public void Map_RunsOnTheAppsNetworkOnly_WithTheAlias_AndPublishesNothing()
    {
        var p = PostgresServerSpec.Map(Addon, "sha256:img", "h", Limits, "default");

        var network = ContainerSpecs.NetworkName(Addon.AppId);
        p.HostConfig!.NetworkMode.Should().Be(network);
        p.NetworkingConfig!.EndpointsConfig.Keys.Should().Equal(network);
        p.NetworkingConfig!.EndpointsConfig[network].Aliases.Should().Equal(AddonNames.PostgresHost);
        p.HostConfig!.PortBindings.Should().BeEmpty();
        p.HostConfig!.PublishAllPorts.Should().BeFalse();
        p.ExposedPorts.Should().BeEmpty();
    }

    [Test]
    public void Map_KeepsDataInItsOwnNamedVolume_NeverABindMount()
    {
        var p = PostgresServerSpec.Map(Addon, "sha256:img", "h", Limits, "default");

        p.HostConfig!.Binds.Should().BeEmpty();
        p.HostConfig!.Mounts.Should().ContainSingle().Which.Should().BeEquivalentTo(new
        {
            Type = "volume", Source = AddonNames.VolumeName(Addon.AddonId), Target = PostgresServerSpec.DataDirectory,
        });
    }

    [Test]
    public void Map_IsHardened_AndLimited()
    {
        var p = PostgresServerSpec.Map(Addon, "sha256:img", "h", Limits, "default");

        p.User.Should().Be("postgres");
        p.HostConfig!.CapDrop.Should().Equal("ALL");
        p.HostConfig!.CapAdd.Should().BeEmpty();
        p.HostConfig!.SecurityOpt.Should().Equal(DockerCreateParameters.NoNewPrivileges);
        p.HostConfig!.Privileged.Should().BeFalse();
        p.HostConfig!.ReadonlyRootfs.Should().BeTrue();
        p.HostConfig!.Memory.Should().Be(Limits.MemoryBytes);
        p.HostConfig!.MemorySwap.Should().Be(Limits.MemoryBytes);
        p.HostConfig!.NanoCPUs.Should().Be(1_000_000_000);
        p.HostConfig!.PidsLimit.Should().Be(256);
    }

    [Test]
    public void Map_LabelsItAsAnAddon_SoTheAppPlannerLeavesItAlone()
    {
        var p = PostgresServerSpec.Map(Addon, "sha256:img", "h", Limits, "default");

        AddonNames.IsAddon(p.Labels).Should().BeTrue();
        RunLabels.IsRun(p.Labels).Should().BeFalse();
        p.Labels[ContainerLabels.Instance].Should().Be("default");
        p.Labels[AddonNames.AddonIdLabel].Should().Be(Addon.AddonId.ToString("D"));
        PostgresServerSpec.VolumeLabels(Addon, "default").Should().ContainKeys(ContainerLabels.Managed, ContainerLabels.Instance, ContainerLabels.AppId, AddonNames.AddonIdLabel, AddonNames.AddonKindLabel);
    }

    [Test]
    public void SpecHash_ChangesWithTheImageAndLimits_NotWithThePassword()
    {
        var hash = PostgresServerSpec.SpecHash(Addon, "sha256:a", Limits);

        PostgresServerSpec.SpecHash(Addon with { Password = "other" }, "sha256:a", Limits).Should().Be(hash);
        PostgresServerSpec.SpecHash(Addon, "sha256:b", Limits).Should().NotBe(hash);
        PostgresServerSpec.SpecHash(Addon, "sha256:a", Limits with { MemoryBytes = 512L * 1024 * 1024 }).Should().NotBe(hash);
    }
}
