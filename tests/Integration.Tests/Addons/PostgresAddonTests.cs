using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Mvc;
using Npgsql;
using PersonalCloud.Contracts.Addons;
using PersonalCloud.Contracts.Api;
using PersonalCloud.Contracts.Apps;
using PersonalCloud.Integration.Tests.Platform;
using PersonalCloud.Integration.Tests.Support;
using PersonalCloud.Reconciler.Containers;

namespace PersonalCloud.Integration.Tests.Platform.Addons;

/// <summary>
/// A managed Postgres per app, against the real stack: one deployed app with the add-on is shared by the class (its
/// server takes seconds to initialise); tests that change or delete an add-on make apps of their own.
/// </summary>
[Category("Integration")]
public sealed class PostgresAddonTests
{
    private readonly List<Guid> _apps = [];
    private PlatformFixture _platform = null!;
    private PlatformApi _api = null!;
    private AddonsApi _addons = null!;
    private AppResponse _app = null!;
    private AcceptedResponse _added = null!;

    private string Network => ContainerSpecs.NetworkName(_app.Id);

    [OneTimeSetUp]
    public async Task StartAppWithAddonAsync()
    {
        _platform = PlatformFixture.Current;
        _api = new PlatformApi(_platform);
        _addons = new AddonsApi(_platform, _api);
        _app = await _addons.RunningAppAsync("pgaddon");
        _apps.Add(_app.Id);
        _added = await _addons.AddPostgresAsync(_app.Id);
        await _addons.WaitReadyAsync(_app.Id);
        await _api.WaitForAsync(_app.Id, _added.Generation, AppStatus.Running);
    }

    [OneTimeTearDown]
    public async Task DeleteAppsAsync()
    {
        foreach (var id in _apps)
            await _api.Http.DeleteAsync($"/api/apps/{id}");
    }

    [Test]
    public async Task AddingTheAddon_PutsDatabaseUrlInTheNextRelease_AndTheAppsDatabaseKeepsItsRows()
    {
        _added.Release.Should().NotBeNull("a deployed app gets a new release carrying DATABASE_URL, without a redeploy");
        var url = await _addons.RevealAsync(_app.Id);
        url.Should().MatchRegex("^postgres://app:[0-9a-f]{48}@postgres:5432/app$");
        var running = await PlatformDocker.RunningContainersAsync(_platform, _app.Id);
        var web = running.Where(c => !AddonNames.IsAddon(c.Labels)).Should().ContainSingle().Subject;
        web.Labels[Contracts.Labels.ContainerLabels.ReleaseId].Should().Be(_added.Release!.Id.ToString("D"));
        var env = (await _platform.Docker.Containers.InspectContainerAsync(web.ID)).Config!.Env!;
        env.Should().Contain($"DATABASE_URL={url}");

        var table = "t" + Guid.NewGuid().ToString("N")[..8];
        var write = await _addons.PsqlAsync(Network, url, $"CREATE TABLE {table} (n int); INSERT INTO {table} SELECT generate_series(1, 3);");
        write.ExitCode.Should().Be(0, write.Output);
        var read = await _addons.PsqlAsync(Network, url, $"SELECT string_agg(n::text, ',' ORDER BY n) FROM {table}");
        read.ExitCode.Should().Be(0, read.Output);
        read.Output.Trim().Should().Be("1,2,3");
    }

    [Test]
    public async Task TheServer_PublishesNoPort_AndIsUnreachableFromAnotherApp()
    {
        var server = (await _addons.ServerContainersAsync(_app.Id)).Should().ContainSingle().Subject;
        var inspected = await _platform.Docker.Containers.InspectContainerAsync(server.ID);
        (inspected.HostConfig!.PortBindings ?? new Dictionary<string, IList<Docker.DotNet.Models.PortBinding>>()).Should().BeEmpty();
        inspected.HostConfig.PublishAllPorts.Should().BeFalse();
        (inspected.NetworkSettings!.Ports ?? new Dictionary<string, IList<Docker.DotNet.Models.PortBinding>>()).Values.Where(v => v is { Count: > 0 }).Should().BeEmpty();
        inspected.NetworkSettings.Networks.Keys.Should().Equal(Network);
        inspected.NetworkSettings.Networks[Network].Aliases.Should().Contain(AddonNames.PostgresHost);
        inspected.HostConfig.Binds.Should().BeNullOrEmpty();
        inspected.Mounts.Should().ContainSingle().Which.Type.Should().Be("volume");
        inspected.HostConfig.CapDrop.Should().Contain("ALL");
        inspected.HostConfig.SecurityOpt.Should().Contain(DockerCreateParameters.NoNewPrivileges);
        inspected.HostConfig.Memory.Should().BeGreaterThan(0);
        inspected.HostConfig.PidsLimit.Should().BeGreaterThan(0);
        inspected.Config!.User.Should().Be("postgres");

        var url = await _addons.RevealAsync(_app.Id);
        var ip = inspected.NetworkSettings.Networks[Network].IPAddress;
        var other = await _addons.RunningAppAsync("pgother");
        _apps.Add(other.Id);
        var otherNetwork = ContainerSpecs.NetworkName(other.Id);
        var byName = await _addons.PsqlAsync(otherNetwork, url + "?connect_timeout=3", "SELECT 1");
        byName.ExitCode.Should().NotBe(0);
        byName.Output.Should().Contain("could not translate host name", "the alias exists on the owning app's network only");
        var byAddress = await _addons.PsqlAsync(otherNetwork, url.Replace("@postgres:", $"@{ip}:", StringComparison.Ordinal) + "?connect_timeout=3", "SELECT 1");
        byAddress.ExitCode.Should().NotBe(0, "app networks are separate bridges");
        byAddress.Output.Should().NotContain("password authentication failed", "the connection never reaches the server");
    }

    [Test]
    public async Task ThePassword_IsSealedAtRest_MaskedInTheList_AndRevealedOnlyWhenAskedAndAudited()
    {
        var listed = (await _addons.ListAsync(_app.Id)).Should().ContainSingle().Subject;
        listed.ConnectionString.Should().Be($"postgres://app:{AddonNames.Mask}@postgres:5432/app");
        using (var unasked = await _api.Http.GetAsync($"/api/apps/{_app.Id}/addons/postgres/connection"))
            unasked.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var url = await _addons.RevealAsync(_app.Id);
        var password = url.Split(':')[2].Split('@')[0];

        await using var connection = new NpgsqlConnection(_platform.DatabaseUrl);
        await connection.OpenAsync();
        await using (var read = new NpgsqlCommand(
            "SELECT password_sealed || ' ' || database_url_sealed FROM app_addons WHERE app_id = $1", connection))
        {
            read.Parameters.AddWithValue(_app.Id);
            var stored = (string)(await read.ExecuteScalarAsync())!;
            stored.Should().StartWith("pcv1.").And.NotContain(password);
        }

        await using (var snapshots = new NpgsqlCommand("SELECT string_agg(env_snapshot::text, ' ') FROM releases WHERE app_id = $1", connection))
        {
            snapshots.Parameters.AddWithValue(_app.Id);
            ((string)(await snapshots.ExecuteScalarAsync())!).Should().Contain("DATABASE_URL").And.NotContain(password);
        }

        await using (var audited = new NpgsqlCommand("SELECT count(*) FROM audit_log WHERE app_id = $1 AND summary = 'reveal add-on connection: postgres' AND status_code = 200", connection))
        {
            audited.Parameters.AddWithValue(_app.Id);
            ((long)(await audited.ExecuteScalarAsync())!).Should().BeGreaterThan(0);
        }

        var verifier = await _addons.PsqlAsync(Network, url, "SELECT rolpassword FROM pg_authid WHERE rolname = 'app'");
        verifier.ExitCode.Should().Be(0, verifier.Output);
        verifier.Output.Should().StartWith("SCRAM-SHA-256$").And.NotContain(password, "Postgres keeps a SCRAM verifier, not the password");
    }

    [Test]
    public async Task BadRequests_AreRefused_AndChangeNothing()
    {
        var server = (await _addons.ServerContainersAsync(_app.Id)).Should().ContainSingle().Subject.ID;
        await ExpectProblemAsync(_api.Http.PostAsJsonAsync($"/api/apps/{_app.Id}/addons", new CreateAddonRequest("postgres", "14")), HttpStatusCode.BadRequest, "addon-unsupported");
        await ExpectProblemAsync(_api.Http.PostAsJsonAsync($"/api/apps/{_app.Id}/addons", new CreateAddonRequest("mysql")), HttpStatusCode.BadRequest, "addon-unsupported");
        await ExpectProblemAsync(_api.Http.PostAsJsonAsync($"/api/apps/{_app.Id}/addons", new CreateAddonRequest("postgres")), HttpStatusCode.Conflict, "addon-exists");
        await ExpectProblemAsync(_api.Http.DeleteAsync($"/api/apps/{_app.Id}/addons/postgres"), HttpStatusCode.BadRequest, "confirmation-required");
        await ExpectProblemAsync(_api.Http.DeleteAsync($"/api/apps/{_app.Id}/addons/postgres?confirm=not-{_app.Name}"), HttpStatusCode.BadRequest, "confirmation-required");

        (await _addons.ListAsync(_app.Id)).Should().ContainSingle().Which.State.Should().Be("ready");
        (await _addons.ServerContainersAsync(_app.Id)).Should().ContainSingle().Which.ID.Should().Be(server);
    }

    [Test]
    public async Task DeletingWithConfirmation_StopsTheServer_TakesDatabaseUrlOut_AndKeepsTheVolume()
    {
        var app = await _addons.RunningAppAsync("pgdelete");
        _apps.Add(app.Id);
        await _addons.AddPostgresAsync(app.Id);
        var addon = await _addons.WaitReadyAsync(app.Id);

        using var deleted = await _api.Http.DeleteAsync($"/api/apps/{app.Id}/addons/postgres?confirm={app.Name}");
        deleted.StatusCode.Should().Be(HttpStatusCode.Accepted);
        var accepted = (await deleted.Content.ReadFromJsonAsync<AcceptedResponse>(AddonsApi.Json))!;
        accepted.Release.Should().NotBeNull();
        await _api.WaitForAsync(app.Id, accepted.Generation, AppStatus.Running);
        await Eventually.UntilAsync(async () => (await _addons.ServerContainersAsync(app.Id)).Count == 0, AddonsApi.ReadyTimeout, "the server container is removed");
        (await _addons.ListAsync(app.Id)).Should().BeEmpty();

        var web = (await PlatformDocker.RunningContainersAsync(_platform, app.Id)).Should().ContainSingle().Subject;
        (await _platform.Docker.Containers.InspectContainerAsync(web.ID)).Config!.Env!.Should().NotContain(e => e.StartsWith("DATABASE_URL=", StringComparison.Ordinal));
        var volume = await _platform.Docker.Volumes.InspectAsync(AddonNames.VolumeName(addon.Id));
        volume.Labels![AddonNames.AddonIdLabel].Should().Be(addon.Id.ToString("D"));
        volume.Labels[Contracts.Labels.ContainerLabels.AppId].Should().Be(app.Id.ToString("D"));
        await _platform.Docker.Volumes.RemoveAsync(volume.Name, force: true);
    }

    private static async Task ExpectProblemAsync(Task<HttpResponseMessage> call, HttpStatusCode status, string type)
    {
        using var response = await call;
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(status, body);
        var problem = System.Text.Json.JsonSerializer.Deserialize<ProblemDetails>(body, AddonsApi.Json)!;
        problem.Type.Should().EndWith("/" + type);
        problem.Title.Should().NotBeNullOrWhiteSpace();
    }
}
