using Cronos;

namespace PersonalCloud.Contracts.Jobs;

/// <summary>
/// A cron job's schedule: 5 fields (minute hour day-of-month month day-of-week), 6 with seconds first, or a macro
/// (@yearly, @monthly, @weekly, @daily, @midnight, @hourly, @every_minute, @every_second), in an IANA time zone.
/// Parsed by Cronos, which steps over daylight-saving gaps and overlaps the way *nix cron does.
/// </summary>
public sealed class CronSchedule
{
    public const string DefaultTimeZone = "UTC";
    public const int MaxExpressionLength = 200;

    private readonly CronExpression _cron;

    private CronSchedule(string expression, CronExpression cron, TimeZoneInfo zone)
    {
        Expression = expression;
        _cron = cron;
        Zone = zone;
    }

    public string Expression { get; }

    public TimeZoneInfo Zone { get; }

    /// <summary>A schedule, or why the expression (<c>ScheduleError</c>) or the time zone (<c>TimeZoneError</c>) is not one, in words.</summary>
    public static (CronSchedule? Schedule, string? ScheduleError, string? TimeZoneError) Parse(string? expression, string? timeZone)
    {
        var zoneError = TryZone(timeZone ?? DefaultTimeZone, out var zone);
        var (cron, scheduleError) = TryExpression(expression);
        return cron is null || zone is null ? (null, scheduleError, zoneError) : (new CronSchedule(expression!.Trim(), cron, zone), null, null);
    }

    /// <summary>A schedule already validated when it was stored; throws <see cref="FormatException"/> when it is not one after all.</summary>
    public static CronSchedule ParseStored(string expression, string timeZone)
    {
        var (schedule, scheduleError, zoneError) = Parse(expression, timeZone);
        return schedule ?? throw new FormatException(scheduleError ?? zoneError);
    }

    /// <summary>The first scheduled time strictly after <paramref name="after"/>, in UTC; null when there is none (e.g. 30 February).</summary>
    public DateTimeOffset? NextAfter(DateTimeOffset after) => _cron.GetNextOccurrence(after.ToUniversalTime(), Zone)?.ToUniversalTime();

    /// <summary>The latest scheduled time at or before <paramref name="atOrBefore"/>, in UTC.</summary>
    public DateTimeOffset? LatestAtOrBefore(DateTimeOffset atOrBefore) =>
        _cron.GetPreviousOccurrence(atOrBefore.ToUniversalTime(), Zone, inclusive: true)?.ToUniversalTime();

    /// <summary>The next <paramref name="count"/> scheduled times after <paramref name="after"/>, in UTC.</summary>
    public IReadOnlyList<DateTimeOffset> Next(DateTimeOffset after, int count)
    {
        var times = new List<DateTimeOffset>(count);
        var from = after;
        while (times.Count < count && NextAfter(from) is { } next)
        {
            times.Add(next);
            from = next;
        }

        return times;
    }

    /// <summary>How many scheduled times lie in (<paramref name="after"/>, <paramref name="before"/>), counting at most <paramref name="cap"/>, and the first of them.</summary>
    public (int Count, DateTimeOffset? First) CountBetween(DateTimeOffset after, DateTimeOffset before, int cap)
    {
        if (before <= after)
            return (0, null);
        var count = 0;
        DateTimeOffset? first = null;
        foreach (var time in _cron.GetOccurrences(after.ToUniversalTime(), before.ToUniversalTime(), Zone, fromInclusive: false, toInclusive: false))
        {
            first ??= time.ToUniversalTime();
            if (++count >= cap)
                break;
        }

        return (count, first);
    }

    private static (CronExpression? Cron, string? Error) TryExpression(string? expression)
    {
        if (string.IsNullOrWhiteSpace(expression))
            return (null, "A schedule is required: 5 fields (minute hour day-of-month month day-of-week), 6 with seconds first, or a macro such as @hourly.");
        if (expression.Length > MaxExpressionLength)
            return (null, $"A schedule is at most {MaxExpressionLength} characters.");
        var text = expression.Trim();
        var fields = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;
        CronFormat format;
        if (text.StartsWith('@'))
            format = CronFormat.Standard;
        else if (fields == 5)
            format = CronFormat.Standard;
        else if (fields == 6)
            format = CronFormat.IncludeSeconds;
        else
        {
            return (null, $"'{text}' has {fields} field{(fields == 1 ? "" : "s")}: a schedule has 5 (minute hour day-of-month month day-of-week), " +
                          "6 with seconds first (e.g. '*/10 * * * * *'), or is a macro such as @hourly or @daily.");
        }

        try
        {
            return (CronExpression.Parse(text, format), null);
        }
        catch (CronFormatException e)
        {
            var fieldNames = format == CronFormat.IncludeSeconds
                ? "second minute hour day-of-month month day-of-week"
                : "minute hour day-of-month month day-of-week";
            return (null, text.StartsWith('@')
                ? $"'{text}' is not a known macro: use @yearly, @monthly, @weekly, @daily, @midnight, @hourly, @every_minute or @every_second."
                : $"'{text}' is not a valid schedule ({fieldNames}): {Detail(e.Message)}.");
        }
    }

    /// <summary>Cronos's own words about the field at fault, without its generic preamble.</summary>
    private static string Detail(string message)
    {
        const string preamble = "The given cron expression has an invalid format.";
        var detail = message.StartsWith(preamble, StringComparison.Ordinal) ? message[preamble.Length..].Trim() : message.Trim();
        return detail.Length == 0 ? "its format is not valid" : detail.TrimEnd('.');
    }

    private static string? TryZone(string name, out TimeZoneInfo? zone)
    {
        zone = null;
        if (string.IsNullOrWhiteSpace(name) || name.Length > 64)
            return "A time zone is an IANA name such as 'UTC' or 'Europe/Berlin'.";
        if (TimeZoneInfo.TryFindSystemTimeZoneById(name.Trim(), out var found))
        {
            zone = found;
            return null;
        }

        return $"'{name}' is not a time zone this host knows: use an IANA name such as 'UTC', 'Europe/Berlin' or 'America/New_York'.";
    }
}
