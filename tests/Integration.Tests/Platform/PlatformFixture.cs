using System.Net.Http.Headers;
using Docker.DotNet;
using PersonalCloud.Integration.Tests.Support;

namespace PersonalCloud.Integration.Tests.Platform;

/// <summary>
/// Starts the whole platform once per run, the way run.sh does: a private Postgres cluster and Caddy through the
/// project's scripts, then the ControlPlane, the route DNS responder and the Reconciler from their built dlls. Leftovers of a killed run
/// (processes, containers, networks of this instance) are removed first.
/// </summary>
[SetUpFixture]
public sealed class PlatformFixture
{
    /// <summary>PCLOUD_TEST_SLOT (0-9) shifts every port and the data directory, so separate checkouts can run side by side.</summary>
    private static readonly int Slot = int.TryParse(Environment.GetEnvironmentVariable("PCLOUD_TEST_SLOT"), out var slot) && slot is >= 0 and <= 9 ? slot : 0;

    public static readonly string Instance = Slot == 0 ? "integration-tests" : $"integration-tests-{Slot}";
    public const string BaseDomain = "localhost";
    private static PlatformFixture? _current;
    private readonly Dictionary<string, string> _environment = new(StringComparer.Ordinal);
    private PlatformProcess? _controlPlane;
    private PlatformProcess? _reconciler;
    private PlatformProcess? _routeDns;
    private RunLock? _runLock;

    public static PlatformFixture Current => _current ?? throw new InvalidOperationException("The platform fixture has not started.");

    public string DataDir { get; } = Path.Combine(Path.GetTempPath(), Slot == 0 ? "pcloud-integration" : $"pcloud-integration-{Slot}");

    public int ApiPort { get; } = 18391 + (Slot * 10);

    public int HttpPort { get; } = 18091 + (Slot * 10);

    public int HttpsPort { get; } = 18491 + (Slot * 10);

    // Ports below the kernel's ephemeral range (32768-60999), where an outgoing connection may hold one at start.
    public int PostgresPort { get; } = 18291 + (Slot * 10);

    public string DatabaseUrl { get; private set; } = "";

    public const int AuditAnonymousWindowSeconds = 2;

    public string ApiToken { get; private set; } = "";

    /// <summary>Given as PCLOUD_DASHBOARD_PASSWORD, so dashboard tests can sign in.</summary>
    public string DashboardPassword { get; } = "dashboard-" + Guid.NewGuid().ToString("N");

    public HttpClient Api { get; private set; } = null!;

    public DockerClient Docker { get; private set; } = null!;

    public string HelloImage { get; private set; } = "";

    /// <summary>The Postgres add-on's image (scripts/build-postgres-image.sh: built once per machine, then found by its hash).</summary>
    public string PostgresImage { get; private set; } = "";

    public PlatformProcess ReconcilerProcess => _reconciler!;

    public string PostgresDataDir => Path.Combine(DataDir, "postgres");

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _runLock = await RunLock.AcquireAsync(DataDir + ".lock", TimeSpan.FromMinutes(20));
        Docker = Reconciler.Containers.DockerContainerRuntime.CreateClient(Reconciler.Containers.DockerContainerRuntime.DefaultEndpoint);
        _environment["PCLOUD_DATA_DIR"] = DataDir;
        _environment["PCLOUD_API_PORT"] = ApiPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        _environment["PCLOUD_HTTP_PORT"] = HttpPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        _environment["PCLOUD_HTTPS_PORT"] = HttpsPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        _environment["PCLOUD_PG_PORT"] = PostgresPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        // Not the defaults, so a platform running on this machine and the tests never share a port.
        _environment["PCLOUD_DNS_PORT"] = (15391 + (Slot * 10)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        _environment["PCLOUD_FALLBACK_PORT"] = (15392 + (Slot * 10)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        _environment["PCLOUD_BASE_DOMAIN"] = BaseDomain;
        _environment["PCLOUD_INSTANCE"] = Instance;
        _environment["PCLOUD_CADDY_ADMIN_SOCKET"] = Path.Combine(DataDir, "run", "caddy-admin.sock");
        _environment["PCLOUD_RESYNC_SECONDS"] = "5";
        _environment["PCLOUD_VOLUME_SCAN_SECONDS"] = "2";
        _environment["PCLOUD_DATABASE_URL"] = "";
        _environment["PCLOUD_DASHBOARD_PASSWORD"] = DashboardPassword;
        // Anonymous calls are written per window: a short one, so tests find their rows within seconds.
        _environment["PCLOUD_AUDIT_ANONYMOUS_WINDOW_SECONDS"] = AuditAnonymousWindowSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);

        await RemoveLeftoversAsync();
        HelloImage = await TestImages.BuildHelloAsync(Docker, CancellationToken.None);
        PostgresImage = (await ShellScript.RunAsync(RepoPaths.Script("build-postgres-image.sh"), _environment, TimeSpan.FromMinutes(10))).Trim().Split('\n')[^1];

        var postgres = await ShellScript.RunAsync(RepoPaths.Script("start-postgres.sh"), _environment, TimeSpan.FromMinutes(2));
        DatabaseUrl = postgres.Split('\n').Single(l => l.StartsWith("PCLOUD_DATABASE_URL=", StringComparison.Ordinal))["PCLOUD_DATABASE_URL=".Length..].Trim();
        _environment["PCLOUD_DATABASE_URL"] = DatabaseUrl;
        await ShellScript.RunAsync(RepoPaths.Script("start-caddy.sh"), _environment, TimeSpan.FromMinutes(1));

        Directory.CreateDirectory(Path.Combine(DataDir, "logs"));
        _controlPlane = PlatformProcess.Start(RepoPaths.ControlPlaneDll,
            new Dictionary<string, string>(_environment) { ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{ApiPort}" },
            Path.Combine(DataDir, "logs", "controlplane.log"));
        Api = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{ApiPort}") };
        await Eventually.UntilAsync(async () => (await Api.GetAsync("/healthz/ready")).IsSuccessStatusCode, TimeSpan.FromSeconds(60),
            "the ControlPlane answers /healthz/ready");

        // No PCLOUD_API_TOKEN was given: the ControlPlane generated one into the data directory.
        ApiToken = (await File.ReadAllTextAsync(Path.Combine(DataDir, "api-token"))).Trim();
        Api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiToken);

        StartRouteDns();
        StartReconciler();
        var health = "";
        await Eventually.UntilAsync(async () =>
        {
            using var response = await Api.GetAsync("/healthz");
            health = await response.Content.ReadAsStringAsync();
            return response.IsSuccessStatusCode;
        }, TimeSpan.FromSeconds(60), () => $"every component is up in /healthz (last: {health})");
        _current = this;
    }

    public PlatformProcess RouteDnsProcess => _routeDns!;

    /// <summary>The PCLOUD_* environment the platform's processes run with.</summary>
    public IReadOnlyDictionary<string, string> ProcessEnvironment => _environment;

    public void StartRouteDns() =>
        _routeDns = PlatformProcess.Start(RepoPaths.ReconcilerDll, ["route-dns"], _environment, Path.Combine(DataDir, "logs", "route-dns.log"));

    public Task StopRouteDnsAsync() => _routeDns!.StopAsync(TimeSpan.FromSeconds(15));

    public void StartReconciler() =>
        _reconciler = PlatformProcess.Start(RepoPaths.ReconcilerDll, _environment, Path.Combine(DataDir, "logs", "reconciler.log"));

    public Task StopReconcilerAsync() => _reconciler!.StopAsync(TimeSpan.FromSeconds(15));

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        if (_reconciler is not null)
            await _reconciler.DisposeAsync();
        if (_routeDns is not null)
            await _routeDns.DisposeAsync();
        if (_controlPlane is not null)
            await _controlPlane.DisposeAsync();
        Api?.Dispose();
        await StopServicesAsync();
        await TestCleanup.RemoveInstanceAsync(Docker, Instance);
        Docker.Dispose();
        _current = null;
        _runLock?.Dispose();
    }

    private async Task RemoveLeftoversAsync()
    {
        await StopServicesAsync();
        await TestCleanup.RemoveInstanceAsync(Docker, Instance);
        if (Directory.Exists(DataDir))
            Directory.Delete(DataDir, recursive: true);
    }

    private async Task StopServicesAsync()
    {
        if (!Directory.Exists(DataDir))
            return;
        await ShellScript.RunAsync(RepoPaths.Script("stop-caddy.sh"), _environment, TimeSpan.FromSeconds(30));
        await ShellScript.RunAsync(RepoPaths.Script("stop-postgres.sh"), _environment, TimeSpan.FromSeconds(60));
    }
}
