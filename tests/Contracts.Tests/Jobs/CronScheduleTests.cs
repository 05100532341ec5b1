using PersonalCloud.Contracts.Jobs;

namespace PersonalCloud.Contracts.Tests.Jobs;

public sealed class CronScheduleTests
{
    private static readonly DateTimeOffset Noon = new(2026, 1, 15, 12, 0, 0, TimeSpan.Zero);

    [TestCase("*/15 * * * *", "2026-01-15T12:15:00Z", "2026-01-15T12:30:00Z")]
    [TestCase("*/10 * * * * *", "2026-01-15T12:00:10Z", "2026-01-15T12:00:20Z")]
    [TestCase("@hourly", "2026-01-15T13:00:00Z", "2026-01-15T14:00:00Z")]
    [TestCase("@daily", "2026-01-16T00:00:00Z", "2026-01-17T00:00:00Z")]
    [TestCase("@every_second", "2026-01-15T12:00:01Z", "2026-01-15T12:00:02Z")]
    [TestCase("0 9 * * MON-FRI", "2026-01-16T09:00:00Z", "2026-01-19T09:00:00Z")]
    public void Parse_FiveOrSixFieldsOrAMacro_GivesTheNextTimes(string expression, string first, string second)
    {
        var (schedule, scheduleError, zoneError) = CronSchedule.Parse(expression, null);

        scheduleError.Should().BeNull();
        zoneError.Should().BeNull();
        schedule!.Next(Noon, 2).Should().Equal(DateTimeOffset.Parse(first, null), DateTimeOffset.Parse(second, null));
    }

    [TestCase("* * * *", "4 fields")]
    [TestCase("* * * * * * *", "7 fields")]
    [TestCase("61 * * * *", "minute hour day-of-month month day-of-week")]
    [TestCase("* * * * * 99", "second minute hour")]
    [TestCase("@fortnightly", "not a known macro")]
    [TestCase("", "A schedule is required")]
    public void Parse_ABadSchedule_SaysWhatIsWrong(string expression, string named)
    {
        var (schedule, scheduleError, _) = CronSchedule.Parse(expression, null);

        schedule.Should().BeNull();
        scheduleError.Should().Contain(named);
    }

    [Test]
    public void Parse_AnUnknownTimeZone_IsRefusedByName()
    {
        var (schedule, scheduleError, zoneError) = CronSchedule.Parse("0 3 * * *", "Mars/Olympus_Mons");

        schedule.Should().BeNull();
        scheduleError.Should().BeNull();
        zoneError.Should().Contain("'Mars/Olympus_Mons'").And.Contain("IANA");
    }

    [Test]
    public void Next_InATimeZone_FollowsItsDaylightSavingTime()
    {
        var (schedule, _, _) = CronSchedule.Parse("0 3 * * *", "Europe/Berlin");

        schedule!.NextAfter(Noon).Should().Be(new DateTimeOffset(2026, 1, 16, 2, 0, 0, TimeSpan.Zero), "03:00 CET is 02:00 UTC");
        schedule.NextAfter(new DateTimeOffset(2026, 7, 15, 12, 0, 0, TimeSpan.Zero)).Should().Be(new DateTimeOffset(2026, 7, 16, 1, 0, 0, TimeSpan.Zero), "03:00 CEST is 01:00 UTC");
    }

    [Test]
    public void Next_ATimeInTheSpringForwardGap_StillRunsThatDay()
    {
        var (schedule, _, _) = CronSchedule.Parse("30 2 * * *", "Europe/Berlin");

        // 2026-03-29 02:30 does not exist in Berlin (clocks go from 02:00 to 03:00): the job runs at the shift instead of skipping the day.
        var next = schedule!.NextAfter(new DateTimeOffset(2026, 3, 28, 12, 0, 0, TimeSpan.Zero))!.Value;

        next.Should().Be(new DateTimeOffset(2026, 3, 29, 1, 0, 0, TimeSpan.Zero));
    }

    [Test]
    public void LatestAtOrBefore_AndCountBetween_DescribeWhatADowntimeMissed()
    {
        var (schedule, _, _) = CronSchedule.Parse("* * * * *", null);

        schedule!.LatestAtOrBefore(Noon.AddSeconds(30)).Should().Be(Noon);
        schedule.CountBetween(Noon.AddMinutes(-60), Noon, 1000).Should().Be((59, Noon.AddMinutes(-59)));
        schedule.CountBetween(Noon.AddMinutes(-60), Noon, 10).Count.Should().Be(10, "counting stops at the cap");
    }
}
