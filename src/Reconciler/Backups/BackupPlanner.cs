using PersonalCloud.Contracts.Backups;
using PersonalCloud.Contracts.Jobs;

namespace PersonalCloud.Reconciler.Backups;

/// <summary>A backup as retention sees it.</summary>
public sealed record KeptBackup(Guid Id, string State, DateTimeOffset RequestedAt, DateTimeOffset? FinishedAt);

/// <summary>Pure: when a volume's next scheduled backup is due, and which finished backups retention removes.</summary>
public static class BackupPlanner
{
    /// <summary>
    /// The scheduled time to back up at now, or null. Missed times coalesce into the latest one (a reconciler that was down
    /// for three days takes one backup, not three). The first schedule counts from the volume's creation.
    /// </summary>
    public static DateTimeOffset? Due(string? schedule, DateTimeOffset lastScheduledOrCreated, DateTimeOffset now)
    {
        var cron = CronSchedule.ParseStored(schedule ?? BackupRules.DefaultSchedule, CronSchedule.DefaultTimeZone);
        return cron.LatestAtOrBefore(now) is { } latest && latest > lastScheduledOrCreated ? latest : null;
    }

    public static DateTimeOffset? Next(string? schedule, DateTimeOffset now) =>
        CronSchedule.ParseStored(schedule ?? BackupRules.DefaultSchedule, CronSchedule.DefaultTimeZone).NextAfter(now);

    /// <summary>
    /// The finished backups of one volume to remove. A verified backup is kept while it is among the newest
    /// <paramref name="keepLast"/> and younger than <paramref name="keepDays"/>; the newest verified backup of a volume that
    /// still exists is always kept; a deleted volume's backups (its final one last) go once older than keepDays. A failed
    /// backup (no archive) is removed once older than keepDays.
    /// </summary>
    public static IReadOnlyList<Guid> Prune(IReadOnlyList<KeptBackup> backups, bool volumeExists, int keepLast, int keepDays, DateTimeOffset now)
    {
        var maxAge = TimeSpan.FromDays(keepDays);
        var prune = new List<Guid>();
        var verified = backups.Where(b => b.State == BackupRules.Verified)
            .OrderByDescending(b => b.FinishedAt ?? b.RequestedAt).ThenByDescending(b => b.Id).ToList();
        for (var i = 0; i < verified.Count; i++)
        {
            var age = now - (verified[i].FinishedAt ?? verified[i].RequestedAt);
            var keep = (i < keepLast && age < maxAge) || (i == 0 && volumeExists);
            if (!keep)
                prune.Add(verified[i].Id);
        }

        prune.AddRange(backups.Where(b => b.State == BackupRules.Failed && now - (b.FinishedAt ?? b.RequestedAt) >= maxAge).Select(b => b.Id));
        return prune;
    }
}
