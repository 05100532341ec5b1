using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using PersonalCloud.Integration.Tests.Support;

namespace PersonalCloud.Integration.Tests.Drills;

/// <summary>
/// run.sh itself, started as a person starts it from a terminal: <c>./run.sh 2>&amp;1 | tee &lt;file&gt;</c> as one
/// foreground job, in a session (and process group) of its own, so a SIGINT to that group is what Ctrl-C sends.
/// Its own ports (18800 + 10 × slot ...), data directory and Docker instance label. run.sh really publishes the
/// ControlPlane and the Reconciler into that data directory and really provisions Postgres and Caddy there.
/// </summary>
public sealed class RunScriptPlatform
{
    private static readonly int Slot = int.TryParse(System.Environment.GetEnvironmentVariable("PCLOUD_TEST_SLOT"), out var slot) && slot is >= 0 and <= 9 ? slot : 0;
    private static readonly int BasePort = 18800 + (Slot * 10);
    private Process? _session;

    public string Instance { get; } = $"runsh-{Slot}";

    /// <summary>Every platform process names it (command line or environment): the marker of what must be gone after a stop.</summary>
    public string DataDir { get; } = Path.Combine(Path.GetTempPath(), $"pcloud-runsh-{Slot}");

    /// <summary>What tee writes: run.sh's console. Named after the data directory, so tee carries the marker too.</summary>
    public string ConsoleLog => DataDir + ".console.log";

    public int ApiPort => BasePort;

    /// <summary>The session leader (the shell running the pipeline): its pid is the pipeline's process group.</summary>
    public int SessionId => _session?.Id ?? throw new InvalidOperationException("run.sh is not started");

    public string SupervisorLog() => ReadShared(Path.Combine(DataDir, "logs", "supervise.log"));

    public string ConsoleOutput() => ReadShared(ConsoleLog);

    /// <summary>Starts the pipeline and waits until /healthz says every component is up; returns an API client with the token.</summary>
    public async Task<HttpClient> StartAsync(TimeSpan timeout)
    {
        File.Delete(ConsoleLog);
        // A terminal's job starts with every signal at its default; a .NET child inherits an ignored SIGPIPE (which would hide the bug).
        var info = new ProcessStartInfo("setsid", ["env", "--default-signal", "bash", "-c", $"./run.sh 2>&1 | tee '{ConsoleLog}' >/dev/null"])
        {
            WorkingDirectory = RepoPaths.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (key, value) in ProcessEnvironment())
            info.Environment[key] = value;
        info.Environment.Remove("PCLOUD_DATABASE_URL");
        _session = Process.Start(info)!;
        _session.OutputDataReceived += (_, _) => { };
        _session.ErrorDataReceived += (_, _) => { };
        _session.BeginOutputReadLine();
        _session.BeginErrorReadLine();

        var api = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{ApiPort}"), Timeout = TimeSpan.FromSeconds(5) };
        await Eventually.UntilAsync(async () => (await api.GetAsync("/healthz")).IsSuccessStatusCode && ConsoleOutput().Contains("PersonalCloud is running", StringComparison.Ordinal),
            timeout, () => $"run.sh starts the platform and every component is up (console: {Tail(ConsoleOutput())})");
        var token = (await File.ReadAllTextAsync(Path.Combine(DataDir, "api-token"))).Trim();
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return api;
    }

    /// <summary>Ctrl-C in the terminal: SIGINT to every process of the foreground job (run.sh, tee, the shell).</summary>
    public Task InterruptAsync() => SignalAsync("-INT", $"-{SessionId}");

    /// <summary>SIGTERM to run.sh alone, as a service manager or `kill` sends it.</summary>
    public Task TerminateAsync() => SignalAsync("-TERM", RunShPid().ToString(CultureInfo.InvariantCulture));

    /// <summary>The reader of run.sh's output dies on its own (SIGKILL to tee): nothing signals run.sh.</summary>
    public Task KillReaderAsync() => SignalAsync("-KILL", PipelineMember("tee").ToString(CultureInfo.InvariantCulture));

    /// <summary>Processes on this machine whose command line or environment names the data directory, as "pid: command line".</summary>
    public IReadOnlyList<string> ProcessesLeft() => ProcessTable.Mentioning(DataDir);

    /// <summary>Stops whatever a failed or killed run left: the supervisor by TERM (it stops the rest), then anything still there.</summary>
    public async Task RemoveLeftoversAsync()
    {
        var pidFile = Path.Combine(DataDir, "run", "supervise.pid");
        if (File.Exists(pidFile) && int.TryParse(File.ReadAllText(pidFile).Trim(), out var supervisor) && ProcessTable.Alive(supervisor))
        {
            await SignalAsync("-TERM", supervisor.ToString(CultureInfo.InvariantCulture));
            await Eventually.UntilAsync(() => Task.FromResult(!ProcessTable.Alive(supervisor)), TimeSpan.FromSeconds(90), "a leftover supervisor stops");
        }

        foreach (var pid in ProcessTable.PidsMentioning(DataDir))
            await SignalAsync("-KILL", pid.ToString(CultureInfo.InvariantCulture));
        _session?.Dispose();
        _session = null;
    }

    public static string Tail(string text, int lines = 30) => string.Join('\n', text.Split('\n').TakeLast(lines));

    private Dictionary<string, string> ProcessEnvironment()
    {
        string Port(int offset) => (BasePort + offset).ToString(CultureInfo.InvariantCulture);
        return new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["PCLOUD_REPO_ROOT"] = RepoPaths.Root,
            ["PCLOUD_DATA_DIR"] = DataDir,
            ["PCLOUD_API_PORT"] = Port(0),
            ["PCLOUD_HTTP_PORT"] = Port(1),
            ["PCLOUD_HTTPS_PORT"] = Port(2),
            ["PCLOUD_PG_PORT"] = Port(3),
            ["PCLOUD_DNS_PORT"] = Port(4),
            ["PCLOUD_FALLBACK_PORT"] = Port(5),
            ["PCLOUD_BASE_DOMAIN"] = "localhost",
            ["PCLOUD_INSTANCE"] = Instance,
            ["PCLOUD_CADDY_ADMIN_SOCKET"] = Path.Combine(DataDir, "run", "caddy-admin.sock"),
            ["PCLOUD_RESYNC_SECONDS"] = "5",
            ["PCLOUD_DASHBOARD_PASSWORD"] = "runsh-" + Guid.NewGuid().ToString("N"),
        };
    }

    private int RunShPid() => PipelineMember("bash", "./run.sh");

    /// <summary>A child of the pipeline's shell by its command line's first words (run.sh's own subshells are its children, not the shell's).</summary>
    private int PipelineMember(params string[] command) =>
        ProcessTable.Children(SessionId).FirstOrDefault(p => p.Arguments.Take(command.Length).SequenceEqual(command))?.Pid
            ?? throw new InvalidOperationException($"no '{string.Join(' ', command)}' under the pipeline's shell {SessionId}");

    private static async Task SignalAsync(string signal, string target)
    {
        using var kill = Process.Start("kill", [signal, "--", target])!;
        await kill.WaitForExitAsync();
    }

    private static string ReadShared(string path)
    {
        if (!File.Exists(path))
            return "";
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        return new StreamReader(stream).ReadToEnd();
    }
}
