using Dapper;
using Npgsql;
using PersonalCloud.Contracts.Api;
using PersonalCloud.Contracts.Backups;
using PersonalCloud.Integration.Tests.Platform;
using PersonalCloud.Integration.Tests.Platform.Volumes;
using PersonalCloud.Integration.Tests.Support;

namespace PersonalCloud.Integration.Tests.Platform.Backups;

/// <summary>A backup that cannot complete is failed with its reason and an event on the app, never verified, and not retried.</summary>
[Category("Integration")]
public sealed class BackupFailureTests : PlatformTest
{
    private BackupsApi _backups = null!;

    [SetUp]
    public void SetUpBackups() => _backups = new BackupsApi(Platform, Api);

    [TearDown]
    public Task DeleteAppsAsync() => _backups.DeleteAppsAsync();

    [Test]
    public async Task Backup_WhenTheBackupsDirectoryIsFull_IsFailedWithTheReason_AndNeverVerified()
    {
        var (app, volume) = await _backups.AppWithVolumeAsync("backup-full", "head -c 8388608 /dev/urandom > /data/big.bin");
        // A real full disk: a 1 MB tmpfs mounted where this volume's archives are written.
        var dir = Path.Combine(Platform.DataDir, "backups", app.Id.ToString("D"), volume.Id.ToString("D"));
        Directory.CreateDirectory(dir);
        (await CommandRun.RunAsync("mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", dir], TimeSpan.FromSeconds(30))).ExitCode.Should().Be(0);
        try
        {
            var requested = await _backups.BackUpAsync(app.Id, "data");
            var backup = await _backups.EndedAsync(app.Id, requested.Id);

            backup.State.Should().Be(BackupRules.Failed);
            backup.VerifiedAt.Should().BeNull();
            backup.Reason.Should().Contain("backups directory is full");
            Directory.EnumerateFiles(dir).Should().BeEmpty("the partial archive is discarded");
            var events = await Api.GetAsync<IReadOnlyList<AppEventResponse>>($"/api/apps/{app.Id}/events");
            events.Should().Contain(e => e.Action == "backup-manual" && e.Outcome == "failed" && e.Reason.Contains("backups directory is full"));

            // Terminal: the next passes leave it failed, and request nothing else by themselves.
            var later = await _backups.BackUpAsync(app.Id, "data");
            (await _backups.EndedAsync(app.Id, later.Id)).State.Should().Be(BackupRules.Failed);
            (await _backups.BackupAsync(app.Id, requested.Id)).Should().Match<BackupResponse>(b => b.State == BackupRules.Failed && b.FinishedAt == backup.FinishedAt);
            (await Api.GetAsync<IReadOnlyList<BackupResponse>>($"/api/apps/{app.Id}/volumes/data/backups")).Should().HaveCount(2);
        }
        finally
        {
            await CommandRun.RunAsync("umount", [dir], TimeSpan.FromSeconds(30));
        }
    }

    [Test]
    public async Task FinalBackup_OfAVolumeWhoseAppWasDeleted_IsVerified_AndOutlivesTheApp()
    {
        var (app, volume) = await _backups.AppWithVolumeAsync("final", "echo keep-me > /data/precious.txt");
        var deleted = await Api.Http.DeleteAsync($"/api/apps/{app.Id}?confirm={app.Name}");
        deleted.IsSuccessStatusCode.Should().BeTrue(await deleted.Content.ReadAsStringAsync());

        await using var db = NpgsqlDataSource.Create(Platform.DatabaseUrl);
        (string State, string? Reason, string AppName)? final = null;
        await Eventually.UntilAsync(async () =>
        {
            await using var connection = await db.OpenConnectionAsync();
            final = await connection.QuerySingleOrDefaultAsync<(string, string?, string)?>(
                "SELECT state, reason, app_name FROM volume_backups WHERE volume_id = @Id AND trigger = 'final' ORDER BY requested_at DESC LIMIT 1", new { volume.Id });
            return final?.State is BackupRules.Verified or BackupRules.Failed;
        }, BackupsApi.EndTimeout, () => $"the orphaned volume's final backup ends (last: {final})");

        final!.Value.State.Should().Be(BackupRules.Verified, final.Value.Reason);
        final.Value.AppName.Should().Be(app.Name, "the backup keeps the deleted app's name");
        Directory.EnumerateFiles(Path.Combine(Platform.DataDir, "backups", app.Id.ToString("D"), volume.Id.ToString("D")), "*.pcbk").Should().ContainSingle();
        await Eventually.UntilAsync(async () => !await TestVolumes.ExistsAsync(Platform, volume.DockerVolume), BackupsApi.EndTimeout,
            "the volumes' removal gate lets the Docker volume go once its final backup is verified");
    }
}
