using System.Security.Cryptography;
using System.Text;
using PersonalCloud.Contracts.Labels;
using PersonalCloud.Contracts.Processes;
using PersonalCloud.Reconciler.Desired;

namespace PersonalCloud.Reconciler.Containers;

/// <summary>Pure: turns a desired app, its release and the resolved image into the container specs of its processes, names and spec hashes.</summary>
public static class ContainerSpecs
{
    public static string NetworkName(Guid appId) => $"pcloud-app-{appId:N}";

    /// <summary>
    /// The app's port: the one it was given, else the image's only exposed TCP port. With neither there is nothing to
    /// health-check or route to, so the release fails at once with what to do (not after a 60 s health deadline on a guess).
    /// </summary>
    public static int ResolvePort(int? requested, ResolvedImage image) =>
        requested ?? (image.ExposedTcpPorts.Count == 1 ? image.ExposedTcpPorts[0] : throw new ImageUnavailableException(NoPort(image)));

    private static string NoPort(ResolvedImage image) =>
        (image.ExposedTcpPorts.Count == 0
            ? $"the app has no port: image '{image.Reference}' exposes none (no EXPOSE) and the app sets none"
            : $"the app has no port: image '{image.Reference}' exposes several ({string.Join(", ", image.ExposedTcpPorts)}) and the app sets none")
        + "; set the port it listens on with PATCH /api/apps/{id} {\"port\": N} (that rolls out a new release)";

    /// <summary>The processes the release runs (its definitions, the image's Procfile, the live replica counts), each with its spec.</summary>
    public static IReadOnlyList<ProcessSpec> BuildProcesses(DesiredApp app, DesiredRelease release, ResolvedImage image) =>
        ProcessFormation.Resolve(release.Processes, image.Procfile, app.Replicas)
            .Select(p => DesiredProcess.From(p, release.Limits))
            .Select(p => new ProcessSpec(p, Build(app, release, image, p)))
            .ToList();

    /// <summary>The default web process's spec (what an app made before processes runs).</summary>
    public static ContainerSpec Build(DesiredApp app, DesiredRelease release, ResolvedImage image) =>
        Build(app, release, image, DesiredProcess.DefaultWeb(release.Limits));

    /// <summary>Replica 0 of <paramref name="process"/>; <see cref="ForReplica"/> gives the others.</summary>
    public static ContainerSpec Build(DesiredApp app, DesiredRelease release, ResolvedImage image, DesiredProcess process)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(release);
        ArgumentNullException.ThrowIfNull(process);
        var port = ResolvePort(release.Port, image);
        var network = NetworkName(app.Id);
        var user = AppSandbox.UserFor(image.User, release.RunAsRoot);
        var text = HashText(app, release, image, port, network, user, process.Limits);
        var mounts = MountsFor(release, process.Name);
        AppendMounts(text, mounts);
        // The default web process adds nothing: containers made before processes keep their hash (no restart on upgrade).
        if (!process.IsDefaultWebFor(release.Limits))
        {
            text.Append("process=").Append(process.Name).Append('\n')
                .Append("process-kind=").Append(process.Kind).Append('\n')
                .Append("command=").Append(process.Command ?? "(image)").Append('\n');
        }

        var hash = Sha256(text.ToString());
        return new ContainerSpec(
            ReplicaName(app.Name, process.Name, 0, hash),
            image.Id,
            app.Id,
            app.Name,
            release.Id,
            hash,
            network,
            port,
            release.Environment,
            process.Limits,
            release.SecurityProfile,
            user,
            ContainerLabels.KindProcess,
            process.Name,
            process.Kind,
            0,
            process.Command,
            mounts,
            user ?? image.User);
    }

    /// <summary>The release's volumes that <paramref name="process"/> mounts, by mount path (the release command: those meant for every process).</summary>
    public static IReadOnlyList<Volumes.VolumeMount> MountsFor(DesiredRelease release, string? process) =>
        (release.Volumes ?? [])
            .Where(v => process is null ? v.Processes is null : v.MountedBy(process))
            .OrderBy(v => v.MountPath, StringComparer.Ordinal)
            .Select(v => new Volumes.VolumeMount(v.Id, v.Name, v.MountPath, v.SwitchedTo))
            .ToList();

    /// <summary>Nothing for no volumes: containers made before volumes keep their hash.</summary>
    private static void AppendMounts(StringBuilder text, IReadOnlyList<Volumes.VolumeMount> mounts)
    {
        foreach (var m in mounts)
        {
            text.Append("volume=").Append(m.VolumeId.ToString("N")).Append(':').Append(m.MountPath).Append('\n');
            // A restore switched in is another Docker volume: the containers roll to mount it.
            if (m.SwitchedTo is { } switched)
                text.Append("volume-switched=").Append(switched).Append('\n');
        }
    }

    /// <summary>The same spec for another replica: only its index and name differ.</summary>
    public static ContainerSpec ForReplica(ContainerSpec spec, int index)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return spec with { Replica = index, Name = ReplicaName(spec.AppName, spec.Process, index, spec.SpecHash) };
    }

    /// <summary>
    /// The container that runs the release's release command (the API's, else its Procfile's <c>release</c> entry) with the
    /// release's image, env, network and the app's limits; null when it has none.
    /// </summary>
    public static ContainerSpec? BuildReleaseCommand(DesiredApp app, DesiredRelease release, ResolvedImage image)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(release);
        if (ProcessFormation.ReleaseCommand(release.ReleaseCommand, image.Procfile) is not { } command)
            return null;
        var port = ResolvePort(release.Port, image);
        var network = NetworkName(app.Id);
        var user = AppSandbox.UserFor(image.User, release.RunAsRoot);
        var text = HashText(app, release, image, port, network, user, release.Limits).Append("release-command=").Append(command).Append('\n');
        var mounts = MountsFor(release, null);
        AppendMounts(text, mounts);
        var hash = Sha256(text.ToString());
        return new ContainerSpec($"pcloud-{app.Name}-release-{hash[..12]}", image.Id, app.Id, app.Name, release.Id, hash, network, port,
            release.Environment, release.Limits, release.SecurityProfile, user, ContainerLabels.KindReleaseCommand,
            ProcessLimits.ReleaseEntry, ProcessKinds.Worker, 0, command, mounts, user ?? image.User);
    }

    public static string ReplicaName(string appName, string process, int index, string hash) =>
        $"pcloud-{appName}-{process}-{index.ToString(System.Globalization.CultureInfo.InvariantCulture)}-{hash[..12]}";

    /// <summary>Any change of what the container runs with changes the hash, and a changed hash means replace.</summary>
    private static StringBuilder HashText(DesiredApp app, DesiredRelease release, ResolvedImage image, int port, string network, string? user, ContainerLimits limits)
    {
        var text = new StringBuilder()
            .Append("release=").Append(release.Id).Append('\n')
            .Append("image=").Append(image.Id).Append('\n')
            .Append("port=").Append(port).Append('\n')
            .Append("network=").Append(network).Append('\n')
            .Append("memory=").Append(limits.MemoryBytes).Append('\n')
            .Append("cpus=").Append(limits.Cpus.ToString("R", System.Globalization.CultureInfo.InvariantCulture)).Append('\n')
            .Append("pids=").Append(limits.Pids).Append('\n')
            .Append("profile=").Append(release.SecurityProfile).Append('\n')
            .Append("restart=").Append(app.RestartGeneration).Append('\n')
            .Append("user=").Append(user ?? "image").Append('\n')
            .Append("rootfs=read-only").Append('\n');
        foreach (var (key, value) in release.Environment.OrderBy(e => e.Key, StringComparer.Ordinal))
            text.Append("env.").Append(key).Append('=').Append(Sha256(value)).Append('\n');
        return text;
    }

    private static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
