using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using PersonalCloud.Contracts.Api;
using PersonalCloud.Integration.Tests.Support;

namespace PersonalCloud.Integration.Tests.Platform.Drills;

/// <summary>
/// Input that looked valid field by field but broke something later (an env the kernel cannot pass, limits the host
/// cannot give, a hostname that is no one's to claim) is refused at the API with a problem that names the rule.
/// </summary>
[Category("Integration")]
[Category("Drill")]
public sealed class InputValidationDrills : PlatformTest
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    [Test]
    public async Task EnvKeys_DifferingOnlyByCase_AreRefused_InOneRequest400_AgainstAStoredKey409()
    {
        var app = await Api.CreateAppAsync(PlatformApi.UniqueName("envcase"));
        try
        {
            var both = await PostEnvAsync(app.Id, new Dictionary<string, string?> { ["path"] = "/a", ["PATH"] = "/b" });
            both.Status.Should().Be(HttpStatusCode.BadRequest, both.Body);
            both.Body.Should().Contain("/problems/validation").And.Contain("differ only by case");

            await Api.SetEnvAsync(app.Id, new Dictionary<string, string?> { ["PATH"] = "/bin" });
            var shadow = await PostEnvAsync(app.Id, new Dictionary<string, string?> { ["path"] = "/usr/bin" });
            shadow.Status.Should().Be(HttpStatusCode.Conflict, shadow.Body);
            shadow.Body.Should().Contain("/problems/env-key-conflict").And.Contain("'PATH'");

            // Replacing it in one request (remove PATH, set path) is a rename, not a clash.
            (await PostEnvAsync(app.Id, new Dictionary<string, string?> { ["PATH"] = null, ["path"] = "/usr/bin" })).Status.Should().Be(HttpStatusCode.Accepted);
            (await Api.GetAsync<IReadOnlyList<EnvVarResponse>>($"/api/apps/{app.Id}/env")).Select(v => v.Key).Should().Equal("path");
        }
        finally
        {
            await SandboxApps.DeleteAsync(Api, app.Id);
        }
    }

    [Test]
    public async Task ABody_WithADuplicateJsonKey_IsRefused400_AndChangesNothing()
    {
        var app = await Api.CreateAppAsync(PlatformApi.UniqueName("dupjson"));
        var name = PlatformApi.UniqueName("dupname");
        try
        {
            var env = await PostRawAsync($"/api/apps/{app.Id}/env", """{"vars":{"KEY":"one","KEY":"two"}}""");
            env.Status.Should().Be(HttpStatusCode.BadRequest, env.Body);
            env.Body.Should().Contain("/problems/invalid-json").And.Contain("KEY");
            (await Api.GetAsync<IReadOnlyList<EnvVarResponse>>($"/api/apps/{app.Id}/env")).Should().BeEmpty();

            var create = await PostRawAsync("/api/apps", $$"""{"name":"{{name}}","name":"{{name}}-b"}""");
            create.Status.Should().Be(HttpStatusCode.BadRequest, create.Body);
            create.Body.Should().Contain("/problems/invalid-json");
            (await Api.GetAsync<IReadOnlyList<AppResponse>>("/api/apps")).Should().NotContain(a => a.Name.StartsWith(name, StringComparison.Ordinal));
        }
        finally
        {
            await SandboxApps.DeleteAsync(Api, app.Id);
        }
    }

    [Test]
    public async Task Env_BeyondTheCountOrTotalSizeCap_IsRefused400NamingTheLimit_CountingWhatIsStored()
    {
        var app = await Api.CreateAppAsync(PlatformApi.UniqueName("envcap"));
        try
        {
            var many = Enumerable.Range(0, 201).ToDictionary(i => $"VAR_{i}", string? (_) => "x");
            var count = await PostEnvAsync(app.Id, many);
            count.Status.Should().Be(HttpStatusCode.BadRequest, count.Body);
            count.Body.Should().Contain("at most 200 environment variables");

            // 100 values of 32 KiB each: 3.2 MB, what the kernel refused as "argument list too long" at container start.
            var huge = Enumerable.Range(0, 100).ToDictionary(i => $"BIG_{i}", string? (_) => new string('v', 32 * 1024));
            var total = await PostEnvAsync(app.Id, huge);
            total.Status.Should().Be(HttpStatusCode.BadRequest, total.Body);
            total.Body.Should().Contain("at most 131072 bytes");

            // The cap counts what is already stored: three values now, two more later go over it.
            await Api.SetEnvAsync(app.Id, Enumerable.Range(0, 3).ToDictionary(i => $"BIG_{i}", string? (_) => new string('v', 32 * 1024)));
            var more = await PostEnvAsync(app.Id, Enumerable.Range(3, 2).ToDictionary(i => $"BIG_{i}", string? (_) => new string('v', 32 * 1024)));
            more.Status.Should().Be(HttpStatusCode.BadRequest, more.Body);
            more.Body.Should().Contain("at most 131072 bytes");
            (await Api.GetAsync<IReadOnlyList<EnvVarResponse>>($"/api/apps/{app.Id}/env")).Should().HaveCount(3);
        }
        finally
        {
            await SandboxApps.DeleteAsync(Api, app.Id);
        }
    }

    [Test]
    public async Task Limits_AboveWhatTheHostHas_AreRefused400NamingTheHost_WithoutAskingTheEngine()
    {
        // What the reconciler publishes from the engine's /info; the API reads it from Postgres.
        var info = await Platform.Docker.System.GetSystemInfoAsync();
        var hostMb = (int)(info.MemTotal / (1024 * 1024));

        var memory = await PostRawAsync("/api/apps", JsonSerializer.Serialize(new
        {
            name = PlatformApi.UniqueName("bigmem"), limits = new { memoryMb = Math.Min(hostMb + 1, 65536) },
        }));
        var cpus = await PostRawAsync("/api/apps", JsonSerializer.Serialize(new { name = PlatformApi.UniqueName("bigcpu"), limits = new { cpus = info.NCPU + 1 } }));
        var fits = await PostRawAsync("/api/apps", JsonSerializer.Serialize(new { name = PlatformApi.UniqueName("fits"), limits = new { memoryMb = 64, cpus = info.NCPU } }));
        await DeleteCreatedAsync(memory, cpus, fits);

        memory.Status.Should().Be(HttpStatusCode.BadRequest, memory.Body);
        memory.Body.Should().Contain("limits.memoryMb").And.Contain($"{hostMb} MB");
        cpus.Status.Should().Be(HttpStatusCode.BadRequest, cpus.Body);
        cpus.Body.Should().Contain("limits.cpus").And.Contain($"the host has {info.NCPU.ToString(CultureInfo.InvariantCulture)}");
        fits.Status.Should().Be(HttpStatusCode.Created, fits.Body);
    }

    [TestCase("10.0.0.5")]
    [TestCase("127.0.0.1")]
    [TestCase("1-2-3-4.ip.pcloud.internal")]
    [TestCase("shop.pcloud.internal")]
    public async Task ACustomDomain_ThatIsAnIpLiteralOrInThePlatformsOwnZone_IsRefused400(string hostname)
    {
        var app = await Api.CreateAppAsync(PlatformApi.UniqueName("baddomain"));
        try
        {
            var response = await Api.Http.PostAsJsonAsync($"/api/apps/{app.Id}/domains", new AddDomainRequest(hostname));
            var body = await response.Content.ReadAsStringAsync();
            response.StatusCode.Should().Be(HttpStatusCode.BadRequest, body);
            body.Should().Contain("/problems/validation").And.Contain("hostname");
            (await Api.GetAppAsync(app.Id))!.Domains.Should().BeEmpty();
        }
        finally
        {
            await SandboxApps.DeleteAsync(Api, app.Id);
        }
    }

    [Test]
    public async Task AnAppName_WhoseHostnameIsTheDashboards_IsRefused400_AsReserved()
    {
        // A second ControlPlane on the same database whose dashboard lives at <name>.<base domain>, a name not on the fixed list.
        var name = PlatformApi.UniqueName("console");
        var port = Platform.ApiPort + 5;
        var environment = new Dictionary<string, string>(Platform.ProcessEnvironment)
        {
            ["PCLOUD_DASHBOARD_HOSTNAME"] = $"{name}.{PlatformFixture.BaseDomain}",
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}",
            // Its own socket for Caddy: the fixture's ControlPlane holds the shared one.
            ["PCLOUD_DASHBOARD_SOCKET"] = Path.Combine(Platform.DataDir, "run", "controlplane-console", "dashboard.sock"),
        };
        await using var controlPlane = PlatformProcess.Start(RepoPaths.ControlPlaneDll, environment, Path.Combine(Platform.DataDir, "logs", "controlplane-console.log"));
        using var api = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        api.DefaultRequestHeaders.Authorization = new("Bearer", Platform.ApiToken);
        await Eventually.UntilAsync(async () => (await api.GetAsync("/healthz/ready")).IsSuccessStatusCode, TimeSpan.FromSeconds(60), "the second ControlPlane answers");

        var response = await api.PostAsJsonAsync("/api/apps", new CreateAppRequest(name));
        var body = await response.Content.ReadAsStringAsync();
        await DeleteCreatedAsync((response.StatusCode, body));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest, body);
        body.Should().Contain("/problems/validation").And.Contain("dashboard");
    }

    private async Task<(HttpStatusCode Status, string Body)> PostEnvAsync(Guid appId, IReadOnlyDictionary<string, string?> vars) =>
        await PostRawAsync($"/api/apps/{appId}/env", JsonSerializer.Serialize(new SetEnvRequest(vars), Json));

    private async Task<(HttpStatusCode Status, string Body)> PostRawAsync(string path, string json)
    {
        using var response = await Api.Http.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private async Task DeleteCreatedAsync(params (HttpStatusCode Status, string Body)[] responses)
    {
        foreach (var (status, body) in responses.Where(r => r.Status == HttpStatusCode.Created))
            await SandboxApps.DeleteAsync(Api, JsonSerializer.Deserialize<AppResponse>(body, Json)!.Id);
    }
}
