using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using PersonalCloud.Integration.Tests.Support;

namespace PersonalCloud.Integration.Tests.Drills;

/// <summary>
/// A second, small platform run the way run.sh runs it: Postgres and Caddy from the project's scripts, then
/// scripts/supervise.sh, which starts route-dns, the ControlPlane and the Reconciler and keeps everything running.
/// Its own ports (18700 + 10 × slot ...), data directory and Docker instance label, so it never meets the shared platform.
/// </summary>
public sealed class SupervisedPlatform : IAsyncDisposable
{
    private static readonly int Slot = int.TryParse(Environment.GetEnvironmentVariable("PCLOUD_TEST_SLOT"), out var slot) && slot is >= 0 and <= 9 ? slot : 0;
    private static readonly int BasePort = 18700 + (Slot * 10);
    private readonly Dictionary<string, string> _environment = new(StringComparer.Ordinal);
    private Process? _supervisor;
    private StreamWriter? _console;

    public string Instance { get; } = $"supervised-{Slot}";

    public string DataDir { get; } = Path.Combine(Path.GetTempPath(), $"pcloud-supervised-{Slot}");

    public int ApiPort => BasePort;

    public int HttpPort => BasePort + 1;

    /// <summary>Small, so the drills see a rotation within seconds (the default is 10 MiB).</summary>
    public const int LogMaxBytes = 65536;

    public const int LogKeep = 2;

    /// <summary>The platform role's connection string, as the supervised processes get it.</summary>
    public string DatabaseUrl => _environment["PCLOUD_DATABASE_URL"];

    public HttpClient Api { get; private set; } = null!;

    public static async Task<SupervisedPlatform> StartAsync(Docker.DotNet.IDockerClient docker)
    {
        var platform = new SupervisedPlatform();
        await platform.StartCoreAsync(docker);
        return platform;
    }

    /// <summary>The pid the supervisor's state file names for <paramref name="name"/> (Caddy, the supervisor: their pid files); null while none runs.</summary>
    public int? Pid(string name)
    {
        var pidFile = name is "caddy" or "supervise";
        var path = pidFile ? Path.Combine(DataDir, "run", name + ".pid") : Path.Combine(DataDir, "run", "supervise", name + ".state");
        if (!File.Exists(path))
            return null;
        var text = File.ReadAllLines(path).Select(l => l.StartsWith("pid=", StringComparison.Ordinal) ? l[4..] : pidFile ? l : "")
            .FirstOrDefault(l => l.Length > 0);
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : null;
    }

    public static bool Alive(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    public static void Kill(int pid)
    {
        using var process = Process.GetProcessById(pid);
        process.Kill();
    }

    /// <summary>GET /healthz: its status code and the names it lists as down (empty when it does not answer).</summary>
    public async Task<(HttpStatusCode? Status, IReadOnlyList<string> Down, string Body)> HealthAsync()
    {
        try
        {
            using var response = await Api.GetAsync("/healthz");
            var body = await response.Content.ReadAsStringAsync();
            using var json = JsonDocument.Parse(body);
            var down = json.RootElement.GetProperty("down").EnumerateArray().Select(e => e.GetString()!).ToList();
            return (response.StatusCode, down, body);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException)
        {
            return (null, [], e.Message);
        }
    }

    public async Task<(HttpStatusCode Status, string Body)> GetThroughProxyAsync(string hostname)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{HttpPort}/");
        request.Headers.Host = hostname;
        using var response = await client.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    public string SupervisorLog() => File.Exists(Path.Combine(DataDir, "logs", "supervise.log"))
        ? File.ReadAllText(Path.Combine(DataDir, "logs", "supervise.log")) : "";

    /// <summary>TERM to the supervisor, as run.sh's Ctrl-C does: it stops its processes, Caddy and Postgres.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_supervisor is not null)
        {
            await StopSupervisorAsync(_supervisor);
            _supervisor.Dispose();
        }

        Api?.Dispose();
        if (_console is not null)
            await _console.DisposeAsync();
        await StopServicesAsync();
    }

    private async Task StartCoreAsync(Docker.DotNet.IDockerClient docker)
    {
        string Port(int offset) => (BasePort + offset).ToString(CultureInfo.InvariantCulture);
        _environment["PCLOUD_DATA_DIR"] = DataDir;
        _environment["PCLOUD_API_PORT"] = Port(0);
        _environment["PCLOUD_HTTP_PORT"] = Port(1);
        _environment["PCLOUD_HTTPS_PORT"] = Port(2);
        _environment["PCLOUD_PG_PORT"] = Port(3);
        _environment["PCLOUD_DNS_PORT"] = Port(4);
        _environment["PCLOUD_FALLBACK_PORT"] = Port(5);
        _environment["PCLOUD_BASE_DOMAIN"] = "localhost";
        _environment["PCLOUD_INSTANCE"] = Instance;
        _environment["PCLOUD_CADDY_ADMIN_SOCKET"] = Path.Combine(DataDir, "run", "caddy-admin.sock");
        _environment["PCLOUD_RESYNC_SECONDS"] = "5";
        _environment["PCLOUD_DATABASE_URL"] = "";
        _environment["PCLOUD_DASHBOARD_PASSWORD"] = "supervised-" + Guid.NewGuid().ToString("N");
        _environment["PCLOUD_CONTROLPLANE_DLL"] = RepoPaths.ControlPlaneDll;
        _environment["PCLOUD_RECONCILER_DLL"] = RepoPaths.ReconcilerDll;
        _environment["PCLOUD_LOG_MAX_BYTES"] = LogMaxBytes.ToString(CultureInfo.InvariantCulture);
        _environment["PCLOUD_LOG_KEEP"] = LogKeep.ToString(CultureInfo.InvariantCulture);

        await RemoveLeftoversAsync(docker);
        var postgres = await ShellScript.RunAsync(RepoPaths.Script("start-postgres.sh"), _environment, TimeSpan.FromMinutes(2));
        _environment["PCLOUD_DATABASE_URL"] = postgres.Split('\n').Single(l => l.StartsWith("PCLOUD_DATABASE_URL=", StringComparison.Ordinal))["PCLOUD_DATABASE_URL=".Length..].Trim();
        _environment["PCLOUD_EMBEDDED_POSTGRES"] = "1";
        await ShellScript.RunAsync(RepoPaths.Script("start-caddy.sh"), _environment, TimeSpan.FromMinutes(1));

        _console = new StreamWriter(Path.Combine(DataDir, "logs", "supervise-console.log"), append: true) { AutoFlush = true };
        var info = new ProcessStartInfo("bash", [RepoPaths.Script("supervise.sh")]) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (key, value) in _environment)
            info.Environment[key] = value;
        _supervisor = new Process { StartInfo = info };
        _supervisor.OutputDataReceived += (_, e) => Write(e.Data);
        _supervisor.ErrorDataReceived += (_, e) => Write(e.Data);
        _supervisor.Start();
        _supervisor.BeginOutputReadLine();
        _supervisor.BeginErrorReadLine();

        Api = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{ApiPort}"), Timeout = TimeSpan.FromSeconds(5) };
        var last = "";
        await Eventually.UntilAsync(async () =>
        {
            var (status, _, body) = await HealthAsync();
            last = body;
            return status == HttpStatusCode.OK;
        }, TimeSpan.FromSeconds(120), () => $"the supervised platform reports every component up (last /healthz: {last}; supervisor: {SupervisorLog()})");
        var token = (await File.ReadAllTextAsync(Path.Combine(DataDir, "api-token"))).Trim();
        Api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    }

    private void Write(string? line)
    {
        if (line is null || _console is null)
            return;
        lock (_console)
            _console.WriteLine(line);
    }

    private async Task RemoveLeftoversAsync(Docker.DotNet.IDockerClient docker)
    {
        // A killed test run leaves the supervisor and its children behind: their pids are in its files.
        if (Pid("supervise") is { } supervisor && Alive(supervisor))
        {
            using var leftover = Process.GetProcessById(supervisor);
            await StopSupervisorAsync(leftover);
        }

        foreach (var name in new[] { "reconciler", "controlplane", "route-dns" })
        {
            if (Pid(name) is { } pid && Alive(pid))
                Kill(pid);
        }

        await StopServicesAsync();
        await TestCleanup.RemoveInstanceAsync(docker, Instance);
        if (Directory.Exists(DataDir))
            Directory.Delete(DataDir, recursive: true);
        Directory.CreateDirectory(Path.Combine(DataDir, "logs"));
    }

    private async Task StopServicesAsync()
    {
        if (!Directory.Exists(DataDir))
            return;
        await ShellScript.RunAsync(RepoPaths.Script("stop-caddy.sh"), _environment, TimeSpan.FromSeconds(30));
        await ShellScript.RunAsync(RepoPaths.Script("stop-postgres.sh"), _environment, TimeSpan.FromSeconds(60));
    }

    private static async Task StopSupervisorAsync(Process supervisor)
    {
        if (supervisor.HasExited)
            return;
        using (var term = Process.Start("kill", ["-TERM", supervisor.Id.ToString(CultureInfo.InvariantCulture)]))
            await term.WaitForExitAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        try
        {
            await supervisor.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            supervisor.Kill(entireProcessTree: true);
        }
    }
}
