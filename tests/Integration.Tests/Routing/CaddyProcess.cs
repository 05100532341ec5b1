using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using PersonalCloud.Integration.Tests.Support;
using PersonalCloud.Reconciler.Routing;

namespace PersonalCloud.Integration.Tests.Routing;

/// <summary>
/// A real Caddy started from an admin-only bootstrap config (admin on a unix socket, storage in a temp dir), as in
/// production. Everything lives in one temp dir so a killed run can be cleaned up by the next one.
/// </summary>
internal sealed class CaddyProcess : IAsyncDisposable
{
    private const string DirPrefix = "pcloud-caddy-tests-";
    private const int LogLinesKept = 200;
    private const string ConfigLoadedLine = "\"msg\":\"admin endpoint started\"";

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _log;
    private readonly StrongBox<int> _loads;

    private CaddyProcess(string root, Process process, ConcurrentQueue<string> log, StrongBox<int> loads, int httpPort, int httpsPort)
    {
        Root = root;
        _process = process;
        _log = log;
        _loads = loads;
        HttpPort = httpPort;
        HttpsPort = httpsPort;
    }

    public string Root { get; }

    public string AdminSocket => Path.Combine(Root, "admin.sock");

    public int HttpPort { get; }

    public int HttpsPort { get; }

    /// <summary>The root of Caddy's local CA, which signs the certificates of the internal issuer.</summary>
    public string LocalRootCertificate => Path.Combine(Root, "storage", "pki", "authorities", "local", "root.crt");

    public string RecentLog => string.Join('\n', _log);

    /// <summary>Configs Caddy loaded since it started: every load, a reload too, restarts its admin endpoint.</summary>
    public int ConfigLoads => Volatile.Read(ref _loads.Value);

    public static async Task<CaddyProcess> StartAsync()
    {
        RemoveLeftoversOfKilledRuns();

        var root = Directory.CreateTempSubdirectory(DirPrefix).FullName;
        await File.WriteAllTextAsync(Path.Combine(root, "owner.pid"), Environment.ProcessId.ToString());
        var configPath = Path.Combine(root, "bootstrap.json");
        await File.WriteAllTextAsync(configPath, $$"""
            {
              "admin": { "listen": "unix/{{Path.Combine(root, "admin.sock")}}", "origins": ["localhost"] },
              "storage": { "module": "file_system", "root": "{{Path.Combine(root, "storage")}}" }
            }
            """);

        var start = new ProcessStartInfo("caddy") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "run", "--config", configPath })
        {
            start.ArgumentList.Add(arg);
        }

        // Keep Caddy's own data, config and autosave inside the temp dir.
        start.Environment["HOME"] = root;
        start.Environment["XDG_DATA_HOME"] = Path.Combine(root, "data");
        start.Environment["XDG_CONFIG_HOME"] = Path.Combine(root, "config");

        var log = new ConcurrentQueue<string>();
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("caddy did not start");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("caddy is not installed: apt-get install -y caddy", e);
        }

        await File.WriteAllTextAsync(Path.Combine(root, "caddy.pid"), process.Id.ToString());
        var loads = new StrongBox<int>();
        process.OutputDataReceived += (_, e) => Keep(log, loads, e.Data);
        process.ErrorDataReceived += (_, e) => Keep(log, loads, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var caddy = new CaddyProcess(root, process, log, loads, FreePort(), FreePort());
        using var admin = new CaddyAdminClient(caddy.AdminSocket);
        try
        {
            await Eventually.UntilAsync(
                async () => !process.HasExited && (await admin.GetAppsAsync(CancellationToken.None)).Apps is null,
                TimeSpan.FromSeconds(15),
                "Caddy's admin API answers on its unix socket with no apps loaded");
        }
        catch (TimeoutException e)
        {
            await caddy.DisposeAsync();
            throw new InvalidOperationException($"{e.Message}\nCaddy log:\n{caddy.RecentLog}", e);
        }

        return caddy;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        Directory.Delete(Root, recursive: true);
    }

    private static void Keep(ConcurrentQueue<string> log, StrongBox<int> loads, string? line)
    {
        if (line is null)
        {
            return;
        }

        if (line.Contains(ConfigLoadedLine, StringComparison.Ordinal))
        {
            Interlocked.Increment(ref loads.Value);
        }

        log.Enqueue(line);
        while (log.Count > LogLinesKept && log.TryDequeue(out _))
        {
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Any, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>
    /// Removes what a killed test run left behind: only dirs whose owning test process is gone (another run may be
    /// going on right now), killing the Caddy pid recorded there if that pid still runs that dir's config.
    /// </summary>
    private static void RemoveLeftoversOfKilledRuns()
    {
        foreach (var dir in Directory.EnumerateDirectories(Path.GetTempPath(), DirPrefix + "*"))
        {
            var owner = PidIn(Path.Combine(dir, "owner.pid"));
            var justCreated = Directory.GetCreationTimeUtc(dir) > DateTime.UtcNow.AddMinutes(-1);
            if (owner is null ? justCreated : Directory.Exists($"/proc/{owner}"))
            {
                continue;
            }

            if (PidIn(Path.Combine(dir, "caddy.pid")) is { } pid
                && File.Exists($"/proc/{pid}/cmdline")
                && File.ReadAllText($"/proc/{pid}/cmdline").Contains(dir, StringComparison.Ordinal))
            {
                using var leftover = Process.GetProcessById(pid);
                leftover.Kill();
                leftover.WaitForExit(TimeSpan.FromSeconds(5));
            }

            Directory.Delete(dir, recursive: true);
        }
    }

    private static int? PidIn(string file) =>
        File.Exists(file) && int.TryParse(File.ReadAllText(file), out var pid) ? pid : null;
}
