using System.Net.Http.Json;
using System.Security.Cryptography;
using Npgsql;
using PersonalCloud.Contracts.Api;
using PersonalCloud.Integration.Tests.Support;

// Under Platform: the platform fixture ([SetUpFixture]) covers only its namespace and those below it.
namespace PersonalCloud.Integration.Tests.Platform.Drills;

/// <summary>Issue 9, item 5: a missing or wrong master key stops start-up instead of a new key being made that opens nothing.</summary>
[Category("Integration")]
// Alone: it starts a second ControlPlane against the shared database.
[NonParallelizable]
public sealed class SecretsDrills : PlatformTest
{
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(90);

    [Test]
    public async Task Start_WithTheMasterKeyFileMissing_ExitsWithTheReason_AndCreatesNoKey()
    {
        var (appId, secret) = await SealAValueAsync();
        var dataDir = NewDataDir();
        try
        {
            foreach (var dll in new[] { RepoPaths.ControlPlaneDll, RepoPaths.ReconcilerDll })
            {
                var output = await StartAndExpectExitAsync(dll, dataDir, masterKey: null);
                output.Should().Contain("Master key missing").And.Contain(Path.Combine(dataDir, "master.key")).And.Contain("Restore");
                File.Exists(Path.Combine(dataDir, "master.key")).Should().BeFalse("no new key may be made while sealed values exist");
            }

            await ExpectNothingChangedAsync(appId, secret);
            (await Api.Http.DeleteAsync($"/api/apps/{appId}")).IsSuccessStatusCode.Should().BeTrue();
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }

    [Test]
    public async Task Start_WithAWrongMasterKey_ExitsWithTheReason_AndChangesNothing()
    {
        var (appId, secret) = await SealAValueAsync();
        var dataDir = NewDataDir();
        var wrongKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        try
        {
            foreach (var dll in new[] { RepoPaths.ControlPlaneDll, RepoPaths.ReconcilerDll })
            {
                var output = await StartAndExpectExitAsync(dll, dataDir, wrongKey);
                output.Should().Contain("Wrong master key").And.Contain("PCLOUD_MASTER_KEY");
                File.Exists(Path.Combine(dataDir, "master.key")).Should().BeFalse();
            }

            await ExpectNothingChangedAsync(appId, secret);
            (await Api.Http.DeleteAsync($"/api/apps/{appId}")).IsSuccessStatusCode.Should().BeTrue();
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }

    [Test]
    public async Task DeployFromGit_WithCredentialsInTheUrl_KeepsThemSealed_AndTheCheckoutStillSendsThem()
    {
        using var server = new CredentialRecorder();
        var token = "tok" + Guid.NewGuid().ToString("N");
        var app = await Api.CreateAppAsync(PlatformApi.UniqueName("gitcred"));

        var response = await Api.Http.PostAsJsonAsync($"/api/apps/{app.Id}/deploy",
            new DeployRequest(Git: new GitSource($"http://drill-user:{token}@127.0.0.1:{server.Port}/repo.git", "main")));
        response.StatusCode.Should().Be(System.Net.HttpStatusCode.Accepted);
        var accepted = (await response.Content.ReadFromJsonAsync<AcceptedResponse>())!;
        var basic = "Basic " + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"drill-user:{token}"));
        await Eventually.UntilAsync(() => Task.FromResult(server.Authorizations.Contains(basic)), PlatformApi.ConvergeTimeout,
            "the reconciler's git checkout opens the sealed URL and sends its credentials");
        ReleaseResponse? release = null;
        await Eventually.UntilAsync(async () =>
        {
            release = (await Api.GetAsync<IReadOnlyList<ReleaseResponse>>($"/api/apps/{app.Id}/releases")).Single(r => r.Id == accepted.Release!.Id);
            return release.Status == Contracts.Apps.ReleaseStatus.Failed;
        }, PlatformApi.ConvergeTimeout, () => $"the release fails (the server refuses everyone); last: {release?.Status}");

        await using (var connection = new NpgsqlConnection(Platform.DatabaseUrl))
        {
            await connection.OpenAsync();
            await using (var checkpoint = new NpgsqlCommand("CHECKPOINT", connection))
                await checkpoint.ExecuteNonQueryAsync();
            await using var stored = new NpgsqlCommand("SELECT git_url FROM releases WHERE app_id = $1", connection);
            stored.Parameters.AddWithValue(app.Id);
            (await stored.ExecuteScalarAsync()).Should().Be($"http://drill-user:***@127.0.0.1:{server.Port}/repo.git");
        }

        Directory.EnumerateFiles(Platform.PostgresDataDir, "*", SearchOption.AllDirectories).Where(f => FileHolds(f, token))
            .Should().BeEmpty("the credentials are sealed before they reach Postgres");
        var shown = string.Join('\n', await Api.Http.GetStringAsync($"/api/apps/{app.Id}/releases"), await Api.Http.GetStringAsync($"/api/apps/{app.Id}"),
            await Api.Http.GetStringAsync($"/api/apps/{app.Id}/events"), await Api.Http.GetStringAsync("/api/audit"),
            await Api.Http.GetStringAsync($"/api/apps/{app.Id}/releases/{release!.Id}/build-log"), Platform.ReconcilerProcess.ReadLog());
        shown.Should().NotContain(token);
        (await Api.Http.DeleteAsync($"/api/apps/{app.Id}")).IsSuccessStatusCode.Should().BeTrue();
    }

    [Test]
    public async Task ControlPlaneStart_SealsGitCredentialsAReleaseKeptInPlaintext()
    {
        var app = await Api.CreateAppAsync(PlatformApi.UniqueName("gitold"));
        var plaintext = $"http://old-user:tok{Guid.NewGuid():N}@127.0.0.1:1/repo.git";
        await Api.Http.PostAsJsonAsync($"/api/apps/{app.Id}/deploy", new DeployRequest(Git: new GitSource("http://127.0.0.1:1/repo.git", "main")));
        await using var connection = new NpgsqlConnection(Platform.DatabaseUrl);
        await connection.OpenAsync();
        await using (var makeOld = new NpgsqlCommand("UPDATE releases SET git_url = $2, git_url_sealed = NULL WHERE app_id = $1", connection))
        {
            makeOld.Parameters.AddWithValue(app.Id);
            makeOld.Parameters.AddWithValue(plaintext);
            (await makeOld.ExecuteNonQueryAsync()).Should().Be(1);
        }

        var port = Platform.ApiPort + 6;
        await using (var second = PlatformProcess.Start(RepoPaths.ControlPlaneDll,
            new Dictionary<string, string>(Platform.ProcessEnvironment)
            {
                ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}",
                // The shared platform's ControlPlane serves the default socket: a second one needs its own.
                ["PCLOUD_DASHBOARD_SOCKET"] = Path.Combine(Platform.DataDir, "run", "controlplane-second", "dashboard.sock"),
            },
            Path.Combine(Platform.DataDir, "logs", "controlplane-second.log")))
        {
            using var probe = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            await Eventually.UntilAsync(async () => (await probe.GetAsync("/healthz")).IsSuccessStatusCode, ExitTimeout, "a second ControlPlane starts");
        }

        await using var read = new NpgsqlCommand("SELECT git_url, git_url_sealed FROM releases WHERE app_id = $1", connection);
        read.Parameters.AddWithValue(app.Id);
        await using (var row = await read.ExecuteReaderAsync())
        {
            (await row.ReadAsync()).Should().BeTrue();
            row.GetString(0).Should().Be("http://old-user:***@127.0.0.1:1/repo.git");
            row.GetString(1).Should().StartWith("pcv1.").And.NotContain("old-user");
        }

        (await Api.Http.DeleteAsync($"/api/apps/{app.Id}")).IsSuccessStatusCode.Should().BeTrue();
    }

    private static bool FileHolds(string path, string text)
    {
        try
        {
            return File.ReadAllBytes(path).AsSpan().IndexOf(System.Text.Encoding.UTF8.GetBytes(text)) >= 0;
        }
        catch (IOException)
        {
            return false;
        }
    }

    private async Task<(Guid AppId, string Secret)> SealAValueAsync()
    {
        var app = await Api.CreateAppAsync(PlatformApi.UniqueName("mkey"));
        var secret = "kept-" + Guid.NewGuid().ToString("N");
        await Api.SetEnvAsync(app.Id, new Dictionary<string, string?> { ["TOKEN"] = secret });
        return (app.Id, secret);
    }

    private static string NewDataDir()
    {
        var dir = Path.Combine(Path.GetTempPath(), "pcloud-keyless-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(Path.Combine(dir, "logs"));
        return dir;
    }

    private async Task<string> StartAndExpectExitAsync(string dll, string dataDir, string? masterKey)
    {
        var environment = new Dictionary<string, string>(Platform.ProcessEnvironment)
        {
            ["PCLOUD_DATA_DIR"] = dataDir,
            ["PCLOUD_MASTER_KEY"] = masterKey ?? "",
            // Its own port: should it start after all, it must not take the shared platform's.
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{Platform.ApiPort + 5}",
        };
        await using var process = PlatformProcess.Start(dll, environment, Path.Combine(dataDir, "logs", Path.GetFileNameWithoutExtension(dll) + ".log"));
        await Eventually.UntilAsync(() => Task.FromResult(process.HasExited), ExitTimeout, () => $"{Path.GetFileName(dll)} exits at start; its log: {process.ReadLog()}");
        process.ExitCode.Should().NotBe(0);
        return process.ReadLog();
    }

    private async Task ExpectNothingChangedAsync(Guid appId, string secret)
    {
        var revealed = await Api.Http.GetFromJsonAsync<EnvValueResponse>($"/api/apps/{appId}/env/TOKEN");
        revealed!.Value.Should().Be(secret, "the platform's own key still opens what it sealed");
        await using var connection = new NpgsqlConnection(Platform.DatabaseUrl);
        await connection.OpenAsync();
        await using var recorded = new NpgsqlCommand("SELECT value->>'id' FROM platform_state WHERE key = 'master_key'", connection);
        var platformKeyId = Contracts.Secrets.MasterKey.TryLoad(null, Path.Combine(Platform.DataDir, "master.key"))!.Id;
        (await recorded.ExecuteScalarAsync()).Should().Be(platformKeyId, "the recorded key id stays the platform's");
    }
}
