using System.Security.Cryptography;
using System.Text;
using PersonalCloud.Reconciler.Desired;

namespace PersonalCloud.Reconciler.Containers;

/// <summary>Pure: turns a desired app and its resolved image into the container spec, names and spec hash.</summary>
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

    public static ContainerSpec Build(DesiredApp app, DesiredRelease release, ResolvedImage image)
    {
        var port = ResolvePort(release.Port, image);
        var network = NetworkName(app.Id);
        var user = AppSandbox.UserFor(image.User, release.RunAsRoot);
        var hash = Hash(app, release, image, port, network, user);
        return new ContainerSpec(
            $"pcloud-{app.Name}-{hash[..12]}",
            image.Id,
            app.Id,
            app.Name,
            release.Id,
            hash,
            network,
            port,
            release.Environment,
            release.Limits,
            release.SecurityProfile,
            user);
    }

    /// <summary>Any change of what the container runs with changes the hash, and a changed hash means replace.</summary>
    private static string Hash(DesiredApp app, DesiredRelease release, ResolvedImage image, int port, string network, string? user)
    {
        var text = new StringBuilder()
            .Append("release=").Append(release.Id).Append('\n')
            .Append("image=").Append(image.Id).Append('\n')
            .Append("port=").Append(port).Append('\n')
            .Append("network=").Append(network).Append('\n')
            .Append("memory=").Append(release.Limits.MemoryBytes).Append('\n')
            .Append("cpus=").Append(release.Limits.Cpus.ToString("R", System.Globalization.CultureInfo.InvariantCulture)).Append('\n')
            .Append("pids=").Append(release.Limits.Pids).Append('\n')
            .Append("profile=").Append(release.SecurityProfile).Append('\n')
            .Append("restart=").Append(app.RestartGeneration).Append('\n')
            .Append("user=").Append(user ?? "image").Append('\n')
            .Append("rootfs=read-only").Append('\n');
        foreach (var (key, value) in release.Environment.OrderBy(e => e.Key, StringComparer.Ordinal))
            text.Append("env.").Append(key).Append('=').Append(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)))).Append('\n');
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }
}
