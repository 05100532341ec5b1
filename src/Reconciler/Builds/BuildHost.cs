using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;

namespace PersonalCloud.Reconciler.Builds;

/// <summary>
/// The host side of the build sandbox, set up before the first build: the parent cgroup whose pids and memory limits
/// cap all builds together (cgroup v1 or v2), and the firewall rule that drops traffic from the build bridge to the host
/// itself (host services bound to 0.0.0.0 included). Needs root, as the reconciler already does for the engine.
/// </summary>
public sealed partial class BuildHost(BuildSandbox sandbox, BuildOptions options, ILogger<BuildHost> logger)
{
    private const string CgroupRoot = "/sys/fs/cgroup";
    private static readonly TimeSpan FirewallTimeout = TimeSpan.FromSeconds(30);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private bool _ready;

    /// <summary>Idempotent; retried on the next build when it failed. Throws <see cref="Containers.ImageBuildFailedException"/> with what to do.</summary>
    public async Task PrepareAsync(CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            if (_ready)
                return;
            try
            {
                PrepareCgroups();
                await DropTrafficToHostAsync(ct);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or Win32Exception or InvalidOperationException)
            {
                throw new Containers.ImageBuildFailedException(
                    $"the reconciler could not set up the build sandbox ({e.Message}); it must run as root with the cgroup filesystem at {CgroupRoot} and iptables installed", e);
            }

            _ready = true;
            LogPrepared(logger, sandbox.CgroupParent, options.Pids, options.MemoryMb * options.Concurrency, sandbox.BridgeName);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>How often builds were refused a new process so far (pids.events "max"); 0 when unknown.</summary>
    public long PidsRefusals()
    {
        var events = IsCgroupV2 ? Path.Combine(CgroupRoot, Parent, "pids.events") : Path.Combine(CgroupRoot, "pids", Parent, "pids.events");
        try
        {
            var line = File.ReadLines(events).FirstOrDefault(l => l.StartsWith("max ", StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line.AsSpan(4), CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return 0;
        }
    }

    private string Parent => sandbox.CgroupParent.TrimStart('/');

    private static bool IsCgroupV2 => File.Exists(Path.Combine(CgroupRoot, "cgroup.controllers"));

    private void PrepareCgroups()
    {
        var memory = (options.MemoryBytes * options.Concurrency).ToString(CultureInfo.InvariantCulture);
        var pids = options.Pids.ToString(CultureInfo.InvariantCulture);
        if (IsCgroupV2)
        {
            var directory = Directory.CreateDirectory(Path.Combine(CgroupRoot, Parent)).FullName;
            File.WriteAllText(Path.Combine(directory, "pids.max"), pids);
            File.WriteAllText(Path.Combine(directory, "memory.max"), memory);
            return;
        }

        var pidsDirectory = Directory.CreateDirectory(Path.Combine(CgroupRoot, "pids", Parent)).FullName;
        File.WriteAllText(Path.Combine(pidsDirectory, "pids.max"), pids);
        var memoryDirectory = Directory.CreateDirectory(Path.Combine(CgroupRoot, "memory", Parent)).FullName;
        File.WriteAllText(Path.Combine(memoryDirectory, "memory.limit_in_bytes"), memory);
    }

    private async Task DropTrafficToHostAsync(CancellationToken ct)
    {
        // -C answers whether the rule is there; the rule names the interface, so it holds before the bridge exists too.
        string[] rule = ["INPUT", "-i", sandbox.BridgeName, "-j", "DROP"];
        if (await IptablesAsync(["-w", "-C", .. rule], ct) == 0)
            return;
        var exit = await IptablesAsync(["-w", "-I", .. rule], ct);
        if (exit != 0)
            throw new InvalidOperationException($"iptables -I INPUT for {sandbox.BridgeName} exited with code {exit}");
    }

    private static async Task<int> IptablesAsync(IReadOnlyList<string> arguments, CancellationToken ct)
    {
        var start = new ProcessStartInfo("iptables") { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("iptables did not start");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(FirewallTimeout);
        var drain = Task.WhenAll(process.StandardOutput.ReadToEndAsync(timeout.Token), process.StandardError.ReadToEndAsync(timeout.Token));
        await process.WaitForExitAsync(timeout.Token);
        await drain;
        return process.ExitCode;
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Build sandbox ready: cgroup {Cgroup} (at most {Pids} processes and {MemoryMb} MB for all builds), traffic from {Bridge} to the host dropped")]
    private static partial void LogPrepared(ILogger logger, string cgroup, int pids, long memoryMb, string bridge);
}
