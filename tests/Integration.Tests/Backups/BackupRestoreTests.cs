using System.Net;
using System.Net.Http.Json;
using Dapper;
using Npgsql;
using PersonalCloud.Contracts.Api;
using PersonalCloud.Contracts.Backups;
using PersonalCloud.Integration.Tests.Platform;
using PersonalCloud.Integration.Tests.Platform.Volumes;

namespace PersonalCloud.Integration.Tests.Platform.Backups;

/// <summary>A backup is verified only once restored and checked; a restore gives the data back byte for byte, in a new volume until switched.</summary>
[Category("Integration")]
public sealed class BackupRestoreTests : PlatformTest
{
    /// <summary>An empty file, a subdirectory, a name with spaces, a symlink, a 0600 file, and 20 MB of random bytes.</summary>
    public const string MixedFiles = """
        mkdir -p /data/sub/deeper && echo hello > /data/sub/deeper/a.txt && chmod 600 /data/sub/deeper/a.txt && : > /data/empty &&
        printf 'with spaces' > '/data/file with spaces.txt' && ln -s sub/deeper/a.txt /data/link && head -c 20971520 /dev/urandom > /data/random.bin
        """;

    private BackupsApi _backups = null!;

    [SetUp]
    public void SetUpBackups() => _backups = new BackupsApi(Platform, Api);

    [TearDown]
    public Task DeleteAppsAsync() => _backups.DeleteAppsAsync();

    [Test]
    public async Task BackupAndRestore_AreByteExact_AndTheOldVolumeStaysUntilSwitched()
    {
        var (app, volume) = await _backups.AppWithVolumeAsync("backup", MixedFiles);
        var original = await TestVolumes.ListingAsync(Platform, volume.DockerVolume);
        original.Should().HaveCount(7).And.Contain(l => l.StartsWith("file ./empty 644 0:0 0 ", StringComparison.Ordinal))
            .And.Contain(l => l.StartsWith("file ./sub/deeper/a.txt 600 ", StringComparison.Ordinal));

        var requested = await _backups.BackUpAsync(app.Id, "data");
        requested.State.Should().Be(BackupRules.Requested);
        var backup = await _backups.EndedAsync(app.Id, requested.Id);
        backup.Should().Match<BackupResponse>(b => b.State == BackupRules.Verified && b.Reason == null && b.VerifiedAt != null && b.FileCount == 4 &&
            b.DataBytes == 20_971_520 + 6 + 11 && b.SizeBytes > 20_000_000 && b.Trigger == BackupRules.TriggerManual, backup.Reason);
        var archive = Path.Combine(Platform.DataDir, "backups", app.Id.ToString("D"), volume.Id.ToString("D"), backup.Id.ToString("D") + ".pcbk");
        File.Exists(archive).Should().BeTrue();
        (await File.ReadAllBytesAsync(archive))[..8].Should().Equal("PCBKUP01"u8.ToArray());
        (await Api.GetAsync<IReadOnlyList<BackupResponse>>($"/api/apps/{app.Id}/volumes/data/backups")).Select(b => b.Id).Should().Equal(backup.Id);

        await TestVolumes.ShellAsync(Platform, volume.DockerVolume, "echo changed > /data/sub/deeper/a.txt && rm /data/empty");
        var changed = await TestVolumes.ListingAsync(Platform, volume.DockerVolume);

        var restore = await _backups.RestoreAsync(app.Id, "data", backup.Id);
        restore.Mode.Should().Be(BackupRules.ModeNewVolume);
        var ready = await _backups.RestoreReachesAsync(app.Id, restore.Id, BackupRules.RestoreReady);
        ready.State.Should().Be(BackupRules.RestoreReady, ready.Reason);
        _backups.Track(app.Id, ready.TargetVolume!);
        ready.TargetVolume.Should().NotBe(volume.DockerVolume);
        (await TestVolumes.ListingAsync(Platform, ready.TargetVolume!)).Should().Equal(original, "the restore gives back every file, byte for byte");
        (await TestVolumes.ListingAsync(Platform, volume.DockerVolume)).Should().Equal(changed, "the volume in use is not touched until the switch");
        ready.ProgressBytes.Should().Be(ready.TotalBytes);

        var switched = await Api.Http.PostAsync($"/api/apps/{app.Id}/volumes/data/restores/{restore.Id}/switch", null);
        switched.StatusCode.Should().Be(HttpStatusCode.Accepted, await switched.Content.ReadAsStringAsync());
        (await _backups.RestoreReachesAsync(app.Id, restore.Id, BackupRules.RestoreSwitched)).State.Should().Be(BackupRules.RestoreSwitched);
        await using var db = NpgsqlDataSource.Create(Platform.DatabaseUrl);
        await using var connection = await db.OpenConnectionAsync();
        (await connection.ExecuteScalarAsync<string>("SELECT docker_volume FROM volume_switches WHERE volume_id = @Id", new { volume.Id }))
            .Should().Be(ready.TargetVolume, "the volume's containers mount the restored volume from now on");
        (await TestVolumes.ListingAsync(Platform, volume.DockerVolume)).Should().Equal(changed, "the data from before the switch is kept");
    }

    [Test]
    public async Task Restore_OfABackupThatIsNotVerified_IsRefused_AndChangesNothing()
    {
        var (app, volume) = await _backups.AppWithVolumeAsync("restore-refused", "echo x > /data/x");
        await using var db = NpgsqlDataSource.Create(Platform.DatabaseUrl);
        await using var connection = await db.OpenConnectionAsync();
        var failedId = Guid.CreateVersion7();
        await connection.ExecuteAsync(
            """
            INSERT INTO volume_backups (id, app_id, app_name, volume_id, volume_name, docker_volume, trigger, requested_at, state, reason, finished_at)
            VALUES (@failedId, @AppId, 'x', @Id, 'data', @DockerVolume, 'schedule', now(), 'failed', 'the backups directory is full', now())
            """, new { failedId, volume.AppId, volume.Id, volume.DockerVolume });

        var response = await Api.Http.PostAsJsonAsync($"/api/apps/{app.Id}/volumes/data/restores", new RestoreRequest(failedId));
        response.StatusCode.Should().Be(HttpStatusCode.Conflict);
        (await response.Content.ReadAsStringAsync()).Should().Contain("backup-not-verified").And.Contain("the backups directory is full");
        (await Api.GetAsync<IReadOnlyList<RestoreResponse>>($"/api/apps/{app.Id}/volumes/data/restores")).Should().BeEmpty();
    }
}
