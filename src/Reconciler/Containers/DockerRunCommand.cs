using System.Globalization;
using System.Text;
using Docker.DotNet.Models;

namespace PersonalCloud.Reconciler.Containers;

/// <summary>
/// Renders the `docker run` command equivalent to what the reconciler asks the engine for, for people learning what the
/// platform does. Env values are written as references (`-e KEY`, taken from the caller's environment), never as values.
/// </summary>
public static class DockerRunCommand
{
    public static string Render(ContainerSpec spec)
    {
        var p = DockerCreateParameters.Map(spec);
        var host = p.HostConfig!;
        var args = new List<string> { "docker", "run", "--detach", "--name", p.Name!, "--hostname", p.Hostname!, "--network", host.NetworkMode! };
        if (!string.IsNullOrEmpty(p.User))
            args.AddRange(["--user", p.User]);
        if (host.Init == true)
            args.Add("--init");
        foreach (var option in host.SecurityOpt)
            args.AddRange(["--security-opt", option]);
        foreach (var cap in host.CapDrop)
            args.AddRange(["--cap-drop", cap]);
        args.AddRange(["--memory", Bytes(host.Memory), "--memory-swap", Bytes(host.MemorySwap)]);
        args.AddRange(["--cpus", (host.NanoCPUs / 1e9).ToString("0.###", CultureInfo.InvariantCulture)]);
        if (host.PidsLimit is { } pids)
            args.AddRange(["--pids-limit", pids.ToString(CultureInfo.InvariantCulture)]);
        if (host.ReadonlyRootfs)
            args.Add("--read-only");
        foreach (var (path, options) in (host.Tmpfs ?? new Dictionary<string, string>()).OrderBy(t => t.Key, StringComparer.Ordinal))
            args.AddRange(["--tmpfs", $"{path}:{options}"]);
        args.AddRange(["--restart", "no", "--log-driver", host.LogConfig.Type]);
        foreach (var (key, value) in host.LogConfig.Config.OrderBy(c => c.Key, StringComparer.Ordinal))
            args.AddRange(["--log-opt", $"{key}={value}"]);
        foreach (var (key, value) in p.Labels.OrderBy(l => l.Key, StringComparer.Ordinal))
            args.AddRange(["--label", $"{key}={value}"]);
        foreach (var variable in p.Env)
        {
            var key = variable.Split('=', 2)[0];
            args.AddRange(["--env", key == DockerCreateParameters.PortVariable ? variable : key]);
        }

        args.Add(p.Image);
        if (p.Cmd is { Count: > 0 } command)
            args.AddRange(command);
        return string.Join(' ', args.Select(Quote));
    }

    private static string Bytes(long? value) => (value ?? 0).ToString(CultureInfo.InvariantCulture);

    /// <summary>POSIX shell quoting, only where needed.</summary>
    private static string Quote(string arg)
    {
        if (arg.Length > 0 && arg.All(c => char.IsAsciiLetterOrDigit(c) || "-_./:=,@%+".Contains(c)))
            return arg;
        return new StringBuilder("'").Append(arg.Replace("'", "'\\''", StringComparison.Ordinal)).Append('\'').ToString();
    }
}
