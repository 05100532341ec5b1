using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using PersonalCloud.Contracts.Api;

namespace PersonalCloud.Integration.Tests.Platform;

[Category("Integration")]
public sealed class LogSettingsTests : PlatformTest
{
    [Test]
    public async Task Settings_DefaultToMaskingAndPlatformRetention_AndAreReplacedWithoutANewGeneration()
    {
        var app = await Api.CreateAppAsync(PlatformApi.UniqueName("logset"));
        (await Api.GetAsync<LogSettingsResponse>($"/api/apps/{app.Id}/log-settings"))
            .Should().Be(new LogSettingsResponse(true, new LogRetentionSettings(null, null)));

        var response = await Api.Http.PutAsJsonAsync($"/api/apps/{app.Id}/log-settings", new UpdateLogSettingsRequest(false, new LogRetentionSettings(50_000, 72)));
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var expected = new LogSettingsResponse(false, new LogRetentionSettings(50_000, 72));
        (await response.Content.ReadFromJsonAsync<LogSettingsResponse>()).Should().Be(expected);
        (await Api.GetAsync<LogSettingsResponse>($"/api/apps/{app.Id}/log-settings")).Should().Be(expected);
        (await Api.GetAppAsync(app.Id))!.Generation.Should().Be(app.Generation, "collector settings are not container configuration");

        // PUT replaces: what is left out goes back to its default.
        await Api.Http.PutAsJsonAsync($"/api/apps/{app.Id}/log-settings", new UpdateLogSettingsRequest(Retention: new LogRetentionSettings(Hours: 1)));
        (await Api.GetAsync<LogSettingsResponse>($"/api/apps/{app.Id}/log-settings"))
            .Should().Be(new LogSettingsResponse(true, new LogRetentionSettings(null, 1)));

        var audit = await Api.GetAsync<IReadOnlyList<AuditEntryResponse>>($"/api/audit?app={app.Id}&method=PUT");
        audit.Select(a => a.Summary).Should().Equal(
            "set log settings: maskSecretsInLogs=default, retention.lines=default, retention.hours=1",
            "set log settings: maskSecretsInLogs=false, retention.lines=50000, retention.hours=72");
    }

    [TestCase(99, null, "retention.lines")]
    [TestCase(10_000_001, null, "retention.lines")]
    [TestCase(null, 0, "retention.hours")]
    [TestCase(null, 8761, "retention.hours")]
    public async Task Settings_OutOfRange_Answer400(int? lines, int? hours, string field)
    {
        var app = await Api.CreateAppAsync(PlatformApi.UniqueName("logsetbad"));
        var response = await Api.Http.PutAsJsonAsync($"/api/apps/{app.Id}/log-settings", new UpdateLogSettingsRequest(Retention: new LogRetentionSettings(lines, hours)));
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty(field, out _).Should().BeTrue();
    }

    [Test]
    public async Task Settings_OfAnUnknownApp_Answer404()
    {
        (await Api.Http.GetAsync($"/api/apps/{Guid.NewGuid()}/log-settings")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await Api.Http.PutAsJsonAsync($"/api/apps/{Guid.NewGuid()}/log-settings", new UpdateLogSettingsRequest())).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }
}
