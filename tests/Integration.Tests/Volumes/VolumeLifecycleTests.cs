using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using PersonalCloud.Contracts.Api;
using PersonalCloud.Integration.Tests.Support;

using Dapper;
using Npgsql;
using PersonalCloud.Integration.Tests.Platform.Backups;

namespace PersonalCloud.Integration.Tests.Platform.Volumes;

/// <summary>Refusals of the volumes API, and deletes that never delete data: the Docker volume stays, waiting for its final backup.</summary>
[Category("Integration")]
public sealed class VolumeLifecycleTests : PlatformTest
{
    [Test]
    public async Task BadInputAndUnconfirmedDeletes_AreProblems_ConfirmedDeletesKeepTheDockerVolumeWithAReason()
    {
        var app = await Api.CreateAppAsync(PlatformApi.UniqueName("volkeep"));
        var volumes = new VolumesApi(Api, Platform);
        await volumes.AddAsync(app.Id, "data", "/data");
        await volumes.AddAsync(app.Id, "uploads", "/srv/uploads");
        var listed = await volumes.ListAsync(app.Id);
        var data = listed.Single(v => v.Name == "data");
        var uploads = listed.Single(v => v.Name == "uploads");
        // Not deployed: the monitor makes the Docker volumes anyway.
        await volumes.WaitDockerVolumeAsync(data.Id);
        await volumes.WaitDockerVolumeAsync(uploads.Id);
        var generation = (await Api.GetAppAsync(app.Id))!.Generation;

        foreach (var (body, field) in new (object Body, string Field)[]
                 {
                     (new { name = "Bad_Name", mountPath = "/x" }, "name"),
                     (new { name = "root", mountPath = "/" }, "mountPath"),
                     (new { name = "rel", mountPath = "data" }, "mountPath"),
                     (new { name = "etc", mountPath = "/etc/app" }, "mountPath"),
                     (new { name = "tmp", mountPath = "/tmp" }, "mountPath"),
                     (new { name = "dots", mountPath = "/data/../etc" }, "mountPath"),
                     (new { name = "ghost", mountPath = "/ghost", processes = new[] { "nosuch" } }, "processes"),
                 })
        {
            var problem = await ProblemAsync(await Api.Http.PostAsJsonAsync($"/api/apps/{app.Id}/volumes", body), HttpStatusCode.BadRequest);
            problem.GetProperty("type").GetString().Should().EndWith("/validation");
            problem.GetProperty("errors").TryGetProperty(field, out _).Should().BeTrue($"{JsonSerializer.Serialize(body)} is refused for its {field}: {problem}");
        }

        (await ProblemAsync(await Api.Http.PostAsJsonAsync($"/api/apps/{app.Id}/volumes", new VolumeRequest("data", "/other")), HttpStatusCode.Conflict))
            .GetProperty("type").GetString().Should().EndWith("/volume-conflict");
        (await ProblemAsync(await Api.Http.PostAsJsonAsync($"/api/apps/{app.Id}/volumes", new VolumeRequest("nested", "/data/inner")), HttpStatusCode.Conflict))
            .GetProperty("type").GetString().Should().EndWith("/volume-conflict");
        var unconfirmed = await ProblemAsync(await Api.Http.DeleteAsync($"/api/apps/{app.Id}/volumes/data?confirm=wrong"), HttpStatusCode.Conflict);
        unconfirmed.GetProperty("type").GetString().Should().EndWith("/volume-delete-unconfirmed");
        unconfirmed.GetProperty("detail").GetString().Should().Contain("?confirm=data").And.Contain("final backup");
        (await volumes.ListAsync(app.Id)).Select(v => v.Name).Should().Equal(["data", "uploads"], "nothing refused changed anything");
        (await Api.GetAppAsync(app.Id))!.Generation.Should().Be(generation, "no refused change bumped the generation");

        var deleted = await Api.Http.DeleteAsync($"/api/apps/{app.Id}/volumes/data?confirm=data");
        deleted.StatusCode.Should().Be(HttpStatusCode.Accepted, await deleted.Content.ReadAsStringAsync());
        // Kept until its final backup is verified, then removed: the data lives on in that backup.
        await WaitRemovedAfterAVerifiedFinalBackupAsync(volumes, data.Id);

        var appUnconfirmed = await ProblemAsync(await Api.Http.DeleteAsync($"/api/apps/{app.Id}"), HttpStatusCode.Conflict);
        appUnconfirmed.GetProperty("type").GetString().Should().EndWith("/app-delete-unconfirmed");
        appUnconfirmed.GetProperty("detail").GetString().Should().Contain($"?confirm={app.Name}").And.Contain("uploads");
        (await Api.GetAppAsync(app.Id)).Should().NotBeNull("an unconfirmed delete changes nothing");

        var appDeleted = await Api.Http.DeleteAsync($"/api/apps/{app.Id}?confirm={app.Name}");
        appDeleted.StatusCode.Should().Be(HttpStatusCode.Accepted, await appDeleted.Content.ReadAsStringAsync());
        await WaitRemovedAfterAVerifiedFinalBackupAsync(volumes, uploads.Id);
        (await FinalBackupAsync(uploads.Id))!.Value.AppName.Should().Be(app.Name, "the backup keeps the deleted app's name");
    }

    private async Task WaitRemovedAfterAVerifiedFinalBackupAsync(VolumesApi volumes, Guid volumeId)
    {
        (string State, string? Reason, string AppName)? final = null;
        await Eventually.UntilAsync(async () =>
        {
            final = await FinalBackupAsync(volumeId);
            return final is { State: "verified" } && !await volumes.DockerHasAsync(volumeId);
        }, BackupsApi.EndTimeout, () => $"the deleted volume's final backup is verified and then its Docker volume removed (final backup: {final})");
    }

    private async Task<(string State, string? Reason, string AppName)?> FinalBackupAsync(Guid volumeId)
    {
        await using var db = NpgsqlDataSource.Create(Platform.DatabaseUrl);
        await using var connection = await db.OpenConnectionAsync();
        return await connection.QuerySingleOrDefaultAsync<(string, string?, string)?>(
            "SELECT state, reason, app_name FROM volume_backups WHERE volume_id = @volumeId AND trigger = 'final' ORDER BY requested_at DESC LIMIT 1", new { volumeId });
    }

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(expected, text);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        return JsonDocument.Parse(text).RootElement.Clone();
    }
}
