using System.Globalization;
using Docker.DotNet.Models;
using PersonalCloud.Contracts.Apps;
using PersonalCloud.Contracts.Labels;

namespace PersonalCloud.Reconciler.Containers;

/// <summary>Maps a <see cref="ContainerSpec"/> to the engine's create request, with the platform's hardening baked in.</summary>
public static class DockerCreateParameters
{
    /// <summary>What the default profile keeps: enough for stock images that start as root and drop to a user. Only an app that
    /// runs as root (its image's USER, or runAsRoot) has them effective; a non-root process holds none.</summary>
    public static readonly IReadOnlyList<string> DefaultProfileKeptCapabilities =
        ["CHOWN", "DAC_OVERRIDE", "FOWNER", "SETGID", "SETUID", "NET_BIND_SERVICE"];

    /// <summary>
    /// Every other Linux capability, listed explicitly: CapAdd stays empty, so "ALL" would leave nothing to keep.
    /// The non-default ones are listed too so a daemon with a wider default set still cannot grant them.
    /// </summary>
    public static readonly IReadOnlyList<string> DefaultProfileDroppedCapabilities =
    [
        // Docker's default set minus the kept ones.
        "AUDIT_WRITE", "FSETID", "KILL", "MKNOD", "NET_RAW", "SETFCAP", "SETPCAP", "SYS_CHROOT",
        // Never granted by default; dropped anyway. BPF, PERFMON and CHECKPOINT_RESTORE are left out: engine 20.10
        // rejects names it does not know ("unknown capability"), and with CapAdd empty nothing can grant them.
        "AUDIT_CONTROL", "AUDIT_READ", "BLOCK_SUSPEND", "DAC_READ_SEARCH", "IPC_LOCK",
        "IPC_OWNER", "LEASE", "LINUX_IMMUTABLE", "MAC_ADMIN", "MAC_OVERRIDE", "NET_ADMIN", "NET_BROADCAST",
        "SYS_ADMIN", "SYS_BOOT", "SYS_MODULE", "SYS_NICE", "SYS_PACCT", "SYS_PTRACE", "SYS_RAWIO", "SYS_RESOURCE",
        "SYS_TIME", "SYS_TTY_CONFIG", "SYSLOG", "WAKE_ALARM",
    ];

    public const string NoNewPrivileges = "no-new-privileges:true";
    public const string PortVariable = "PORT";

    public static CreateContainerParameters Map(ContainerSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var strict = spec.SecurityProfile switch
        {
            SecurityProfiles.Default => false,
            SecurityProfiles.Strict => true,
            // Never fall back to something weaker than asked for.
            _ => throw new ArgumentException($"Unknown security profile '{spec.SecurityProfile}'.", nameof(spec)),
        };
        var exposedPort = $"{spec.Port.ToString(CultureInfo.InvariantCulture)}/tcp";

        return new CreateContainerParameters
        {
            Name = spec.Name,
            Image = spec.ImageId,
            Hostname = spec.AppName,
            User = spec.User ?? string.Empty,
            Env = BuildEnvironment(spec),
            Labels = BuildLabels(spec),
            // A command replaces the image's CMD (its ENTRYPOINT stays), as a shell line like a Procfile's.
            Cmd = spec.Command is { } command ? [.. ShellCommand(command)] : null!,
            ExposedPorts = spec.ExposesPort ? new Dictionary<string, EmptyStruct> { [exposedPort] = default } : new Dictionary<string, EmptyStruct>(),
            HostConfig = new HostConfig
            {
                Privileged = false,
                // Never a bind mount: only the app's own named volumes, read-write, made by the platform (no driver options).
                Binds = [],
                Mounts = [.. spec.Mounts.Select(m => new Mount { Type = "volume", Source = m.DockerName, Target = m.MountPath, ReadOnly = false })],
                VolumesFrom = [],
                PortBindings = new Dictionary<string, IList<PortBinding>>(),
                PublishAllPorts = false,
                SecurityOpt = [NoNewPrivileges],
                Init = true,
                Memory = spec.Limits.MemoryBytes,
                MemorySwap = spec.Limits.MemoryBytes,
                NanoCPUs = (long)Math.Round(spec.Limits.Cpus * 1_000_000_000d),
                PidsLimit = spec.Limits.Pids,
                CapAdd = [],
                CapDrop = strict ? ["ALL"] : [.. DefaultProfileDroppedCapabilities],
                // Every profile: a writable layer cannot be capped here (no overlay2 project quotas), tmpfs can.
                ReadonlyRootfs = true,
                Tmpfs = AppSandbox.Tmpfs(strict),
                RestartPolicy = new RestartPolicy { Name = RestartPolicyKind.No },
                LogConfig = new LogConfig
                {
                    Type = "json-file",
                    Config = new Dictionary<string, string> { ["max-size"] = "10m", ["max-file"] = "3" },
                },
                NetworkMode = spec.NetworkName,
            },
            NetworkingConfig = new NetworkingConfig
            {
                EndpointsConfig = new Dictionary<string, EndpointSettings>
                {
                    [spec.NetworkName] = new EndpointSettings(),
                },
            },
        };
    }

    /// <summary>Pull parameters for a reference; an untagged one pulls "latest", never every tag of the repository.</summary>
    public static ImagesCreateParameters ForPull(string image)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(image);
        if (image.Contains('@', StringComparison.Ordinal))
        {
            return new ImagesCreateParameters { FromImage = image };
        }

        var colon = image.LastIndexOf(':');
        return colon > image.LastIndexOf('/')
            ? new ImagesCreateParameters { FromImage = image[..colon], Tag = image[(colon + 1)..] }
            : new ImagesCreateParameters { FromImage = image, Tag = "latest" };
    }

    /// <summary>How a command line runs: <c>sh -c</c>, as Heroku and Dokku run Procfile commands.</summary>
    public static IReadOnlyList<string> ShellCommand(string command) => ["/bin/sh", "-c", command];

    public static IDictionary<string, string> BuildLabels(ContainerSpec spec)
    {
        var labels = new Dictionary<string, string>
        {
            [ContainerLabels.Managed] = ContainerLabels.ManagedValue,
            [ContainerLabels.AppId] = spec.AppId.ToString("D"),
            [ContainerLabels.AppName] = spec.AppName,
            [ContainerLabels.ReleaseId] = spec.ReleaseId.ToString("D"),
            [ContainerLabels.SpecHash] = spec.SpecHash,
            [ContainerLabels.Kind] = spec.Kind,
        };
        if (spec.Kind == ContainerLabels.KindProcess)
        {
            labels[ContainerLabels.Process] = spec.Process;
            labels[ContainerLabels.ProcessKind] = spec.ProcessKind;
            labels[ContainerLabels.Replica] = spec.Replica.ToString(CultureInfo.InvariantCulture);
        }

        return labels;
    }

    private static List<string> BuildEnvironment(ContainerSpec spec)
    {
        // The platform owns PORT: a user-set value would point the app away from where traffic is sent.
        var env = spec.Environment
            .Where(pair => !string.Equals(pair.Key, PortVariable, StringComparison.Ordinal))
            .OrderBy(pair => pair.Key, StringComparer.Ordinal)
            .Select(pair => $"{pair.Key}={pair.Value}")
            .ToList();
        // Only a web process listens where traffic goes (as on Heroku, a worker gets no PORT).
        if (spec.ExposesPort)
            env.Add($"{PortVariable}={spec.Port.ToString(CultureInfo.InvariantCulture)}");
        return env;
    }
}
