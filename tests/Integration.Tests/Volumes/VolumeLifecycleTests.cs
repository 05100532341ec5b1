using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using PersonalCloud.Contracts.Api;
using PersonalCloud.Integration.Tests.Support;

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
        VolumeResponse? kept = null;
        await Eventually.UntilAsync(async () =>
        {
            kept = (await volumes.ListAsync(app.Id)).SingleOrDefault(v => v.Id == data.Id);
            return kept is { State: "orphaned", Reason: { } reason } && reason.Contains("waiting for the final backup", StringComparison.Ordinal);
        }, PlatformApi.ConvergeTimeout, () => $"the deleted volume is listed as kept, with the reason (last: {kept})");
        kept!.MountPath.Should().BeNull("its desired row is gone");
        (await volumes.DockerHasAsync(data.Id)).Should().BeTrue("no data is deleted before a final backup");

        var appUnconfirmed = await ProblemAsync(await Api.Http.DeleteAsync($"/api/apps/{app.Id}"), HttpStatusCode.Conflict);
        appUnconfirmed.GetProperty("type").GetString().Should().EndWith("/app-delete-unconfirmed");
        appUnconfirmed.GetProperty("detail").GetString().Should().Contain($"?confirm={app.Name}").And.Contain("uploads");
        (await Api.GetAppAsync(app.Id)).Should().NotBeNull("an unconfirmed delete changes nothing");

        var appDeleted = await Api.Http.DeleteAsync($"/api/apps/{app.Id}?confirm={app.Name}");
        appDeleted.StatusCode.Should().Be(HttpStatusCode.Accepted, await appDeleted.Content.ReadAsStringAsync());
        IReadOnlyList<VolumeResponse> all = [];
        await Eventually.UntilAsync(async () =>
        {
            all = await volumes.ListKeptAsync();
            return all.Count(v => (v.Id == data.Id || v.Id == uploads.Id) && v.State == "orphaned" && v.Reason!.Contains("waiting for the final backup", StringComparison.Ordinal)) == 2;
        }, PlatformApi.ConvergeTimeout, () => $"both volumes of the deleted app are kept with the reason (last: {string.Join("; ", all.Select(v => $"{v.Name} {v.State} {v.Reason}"))})");
        (await volumes.DockerHasAsync(uploads.Id)).Should().BeTrue();
        (await volumes.DockerHasAsync(data.Id)).Should().BeTrue();
    }

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(expected, text);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        return JsonDocument.Parse(text).RootElement.Clone();
    }
}
