using PersonalCloud.Contracts.Backups;
using PersonalCloud.Reconciler.Backups;

namespace PersonalCloud.Reconciler.Tests.Backups;

public sealed class BackupPlannerTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);

    [Test]
    public void Due_DailyDefault_AfterThreeMissedDays_TakesOneBackupAtTheLatestTime()
    {
        BackupPlanner.Due(null, Now.AddDays(-3), Now).Should().Be(new DateTimeOffset(2026, 12, 7, 3, 0, 0, TimeSpan.Zero));
    }

    [Test]
    public void Due_WhenTheLatestTimeWasTaken_IsNotDue()
    {
        BackupPlanner.Due(null, new DateTimeOffset(2026, 12, 7, 3, 0, 0, TimeSpan.Zero), Now).Should().BeNull();
    }

    [Test]
    public void Due_VolumeCreatedAfterTheLatestTime_WaitsForTheNext()
    {
        BackupPlanner.Due("0 3 * * *", Now.AddHours(-1), Now).Should().BeNull();
        BackupPlanner.Next("0 3 * * *", Now).Should().Be(new DateTimeOffset(2026, 12, 8, 3, 0, 0, TimeSpan.Zero));
    }

    private static KeptBackup Verified(int hoursAgo) => new(Guid.NewGuid(), BackupRules.Verified, Now.AddHours(-hoursAgo), Now.AddHours(-hoursAgo));

    private static KeptBackup Failed(int hoursAgo) => new(Guid.NewGuid(), BackupRules.Failed, Now.AddHours(-hoursAgo), Now.AddHours(-hoursAgo));

    [Test]
    public void Prune_KeepsTheNewestKeepLast_AndRemovesOlderOnes()
    {
        var backups = new[] { Verified(1), Verified(2), Verified(3), Verified(4) };

        BackupPlanner.Prune(backups, volumeExists: true, keepLast: 2, keepDays: 30, Now).Should().BeEquivalentTo([backups[2].Id, backups[3].Id]);
    }

    [Test]
    public void Prune_RemovesBackupsOlderThanKeepDays_ButNeverTheLastVerifiedOfAVolumeThatExists()
    {
        var backups = new[] { Verified(24 * 40), Verified(24 * 50), Failed(1) };

        BackupPlanner.Prune(backups, volumeExists: true, keepLast: 5, keepDays: 30, Now).Should().Equal(backups[1].Id);
    }

    [Test]
    public void Prune_DeletedVolume_KeepsItsFinalBackupForKeepDays_ThenRemovesIt()
    {
        var young = new[] { Verified(24 * 2), Verified(24 * 3) };
        var old = new[] { Verified(24 * 31) };

        BackupPlanner.Prune(young, volumeExists: false, keepLast: 1, keepDays: 30, Now).Should().Equal(young[1].Id);
        BackupPlanner.Prune(old, volumeExists: false, keepLast: 1, keepDays: 30, Now).Should().Equal(old[0].Id);
    }

    [Test]
    public void Prune_FailedBackups_GoOnceOlderThanKeepDays()
    {
        var backups = new[] { Failed(1), Failed(24 * 31), Verified(1) };

        BackupPlanner.Prune(backups, volumeExists: true, keepLast: 1, keepDays: 30, Now).Should().Equal(backups[1].Id);
    }
}
