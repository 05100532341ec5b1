using System.Net;
using System.Net.Http.Json;
using PersonalCloud.Contracts.Api;
using PersonalCloud.Contracts.Backups;
using PersonalCloud.Integration.Tests.Support;

namespace PersonalCloud.Integration.Tests.Platform.Backups;

/// <summary>Scheduled backups follow the volume's policy, and retention removes the older ones (row and archive).</summary>
[Category("Integration")]
public sealed class BackupScheduleTests : PlatformTest
{
    private BackupsApi _backups = null!;

    [SetUp]
    public void SetUpBackups() => _backups = new BackupsApi(Platform, Api);

    [TearDown]
    public Task DeleteAppsAsync() => _backups.DeleteAppsAsync();

    [Test]
    public async Task ScheduledBackups_AreTaken_AndRetentionKeepsOnlyTheNewest()
    {
        var (app, volume) = await _backups.AppWithVolumeAsync("backup-schedule", "echo scheduled > /data/s.txt");
        var bad = await Api.Http.PutAsJsonAsync($"/api/apps/{app.Id}/volumes/data/backup-policy", new BackupPolicyRequest("not a schedule", 0));
        bad.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await Api.GetAsync<BackupPolicyResponse>($"/api/apps/{app.Id}/volumes/data/backup-policy")).IsDefault.Should().BeTrue("a refused policy changes nothing");

        var put = await Api.Http.PutAsJsonAsync($"/api/apps/{app.Id}/volumes/data/backup-policy", new BackupPolicyRequest("*/3 * * * * *", KeepLast: 1, KeepDays: 30));
        put.StatusCode.Should().Be(HttpStatusCode.OK, await put.Content.ReadAsStringAsync());

        BackupResponse? first = null;
        await Eventually.UntilAsync(async () =>
        {
            var list = await Api.GetAsync<IReadOnlyList<BackupResponse>>($"/api/apps/{app.Id}/volumes/data/backups");
            first ??= list.LastOrDefault(b => b.Trigger == BackupRules.TriggerSchedule && b.State == BackupRules.Verified);
            return first is not null;
        }, BackupsApi.EndTimeout, "a scheduled backup is verified");
        var firstArchive = Path.Combine(Platform.DataDir, "backups", app.Id.ToString("D"), volume.Id.ToString("D"), first!.Id.ToString("D") + ".pcbk");

        IReadOnlyList<BackupResponse> kept = [];
        await Eventually.UntilAsync(async () =>
        {
            kept = await Api.GetAsync<IReadOnlyList<BackupResponse>>($"/api/apps/{app.Id}/volumes/data/backups");
            return kept.All(b => b.Id != first.Id) && kept.Any(b => b.State == BackupRules.Verified && b.Trigger == BackupRules.TriggerSchedule);
        }, BackupsApi.EndTimeout, () => $"the first scheduled backup is pruned once a newer one is verified (listed: {string.Join(", ", kept.Select(b => b.State))})");

        kept.Count(b => b.State == BackupRules.Verified).Should().Be(1, "keepLast is 1");
        File.Exists(firstArchive).Should().BeFalse("retention deletes the archive with the row");
        (await Api.Http.GetAsync($"/api/apps/{app.Id}/backups/{first.Id}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }
}
