using System.Security.Cryptography;
using System.Text;
using PersonalCloud.Reconciler.Desired;

namespace PersonalCloud.Reconciler.Containers;

/// <summary>Pure: turns a desired app and its resolved image into the container spec, names and spec hash.</summary>
public static class ContainerSpecs
{
    public const int FallbackPort = 8080;

    public static string NetworkName(Guid appId) => $"pcloud-app-{appId:N}";

    /// <summary>The app's port: the one it was given, else the image's only exposed TCP port, else 8080.</summary>
    public static int ResolvePort(int? requested, ResolvedImage image) =>
        requested ?? (image.ExposedTcpPorts.Count == 1 ? image.ExposedTcpPorts[0] : FallbackPort);

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
