using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Docker.DotNet.Models;
using PersonalCloud.Contracts.Addons;
using PersonalCloud.Contracts.Labels;
using PersonalCloud.Reconciler.Containers;

namespace PersonalCloud.Reconciler.Addons;

/// <summary>
/// The Postgres server's create request. Hardened as far as Postgres allows, measured with the platform's image: it runs
/// as the image's postgres user with every capability dropped and no-new-privileges (a fresh named volume takes the
/// data directory's owner from the image, so no root step is needed), a read-only root with tmpfs for the socket
/// directory and /tmp, memory/CPU/pids limits, on the app's network only with the alias <c>postgres</c>, no port published.
/// </summary>
public static class PostgresServerSpec
{
    public const string DataDirectory = "/var/lib/postgresql/data";

    public static string SpecHash(DesiredAddon addon, string imageId, AddonLimits limits)
    {
        var text = string.Join('\n', imageId, addon.Version, addon.Database, addon.User, ContainerSpecs.NetworkName(addon.AppId),
            limits.MemoryBytes.ToString(CultureInfo.InvariantCulture), limits.Cpus.ToString("R", CultureInfo.InvariantCulture),
            limits.Pids.ToString(CultureInfo.InvariantCulture));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16];
    }

    public static IDictionary<string, string> VolumeLabels(DesiredAddon addon, string instance) => new Dictionary<string, string>
    {
        [ContainerLabels.Managed] = ContainerLabels.ManagedValue,
        [ContainerLabels.Instance] = instance,
        [ContainerLabels.AppId] = addon.AppId.ToString("D"),
        [ContainerLabels.AppName] = addon.AppName,
        [AddonNames.AddonIdLabel] = addon.AddonId.ToString("D"),
        [AddonNames.AddonKindLabel] = addon.Kind,
    };

    public static CreateContainerParameters Map(DesiredAddon addon, string imageId, string specHash, AddonLimits limits, string instance)
    {
        var network = ContainerSpecs.NetworkName(addon.AppId);
        var labels = VolumeLabels(addon, instance);
        labels[ContainerLabels.Kind] = AddonNames.ContainerKind;
        labels[ContainerLabels.SpecHash] = specHash;
        return new CreateContainerParameters
        {
            Name = AddonNames.ContainerName(addon.AddonId),
            Image = imageId,
            Hostname = AddonNames.PostgresHost,
            User = "postgres",
            Env = [$"POSTGRES_USER={addon.User}", $"POSTGRES_DB={addon.Database}", $"POSTGRES_PASSWORD={addon.Password}"],
            Labels = labels,
            Cmd = ["postgres"],
            ExposedPorts = new Dictionary<string, EmptyStruct>(),
            StopTimeout = TimeSpan.FromSeconds(30),
            HostConfig = new HostConfig
            {
                Privileged = false,
                Binds = [],
                Mounts = [new Mount { Type = "volume", Source = AddonNames.VolumeName(addon.AddonId), Target = DataDirectory }],
                VolumesFrom = [],
                PortBindings = new Dictionary<string, IList<PortBinding>>(),
                PublishAllPorts = false,
                SecurityOpt = [DockerCreateParameters.NoNewPrivileges],
                CapAdd = [],
                CapDrop = ["ALL"],
                ReadonlyRootfs = true,
                Tmpfs = new Dictionary<string, string>
                {
                    ["/var/run/postgresql"] = "rw,noexec,nosuid,nodev,size=1m",
                    ["/tmp"] = "rw,noexec,nosuid,nodev,size=64m",
                },
                Memory = limits.MemoryBytes,
                MemorySwap = limits.MemoryBytes,
                NanoCPUs = (long)Math.Round(limits.Cpus * 1_000_000_000d),
                PidsLimit = limits.Pids,
                RestartPolicy = new RestartPolicy { Name = RestartPolicyKind.No },
                LogConfig = new LogConfig { Type = "json-file", Config = new Dictionary<string, string> { ["max-size"] = "10m", ["max-file"] = "3" } },
                NetworkMode = network,
            },
            NetworkingConfig = new NetworkingConfig
            {
                EndpointsConfig = new Dictionary<string, EndpointSettings>
                {
                    [network] = new EndpointSettings { Aliases = [AddonNames.PostgresHost] },
                },
            },
        };
    }

    /// <summary>pg_isready over TCP inside the container: 0 once the server accepts connections.</summary>
    public static IReadOnlyList<string> ReadinessCommand(DesiredAddon addon) =>
        ["pg_isready", "-q", "-h", "127.0.0.1", "-p", AddonNames.PostgresPort.ToString(CultureInfo.InvariantCulture), "-U", addon.User, "-d", addon.Database];
}
