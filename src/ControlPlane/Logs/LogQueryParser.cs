using PersonalCloud.ControlPlane.Paging;
using PersonalCloud.ControlPlane.Problems;

namespace PersonalCloud.ControlPlane.Logs;

/// <summary>Reads the raw query strings of the log endpoints; every bad value becomes an error naming its field.</summary>
public static class LogQueryParser
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 10_000;

    public static (LogPageRequest? Request, ValidationErrors Errors) Parse(LogsQueryParameters p)
    {
        var errors = new ValidationErrors();
        var limit = QueryValues.Int(p.Limit, 1, MaxLimit, "limit", errors) ?? DefaultLimit;
        var before = QueryValues.Cursor(p.Before, "before", errors);
        var since = QueryValues.Timestamp(p.Since, "since", errors);
        var until = QueryValues.Timestamp(p.Until, "until", errors);
        QueryValues.Window(since, until, errors);
        var filter = Filter(p.Stream, p.Release, p.Q, errors) with { Since = since, Until = until, RunId = QueryValues.Id(p.Run, "run", errors) };
        return (errors.Any ? null : new LogPageRequest(filter, limit, before), errors);
    }

    public static (LogFilter? Filter, int Tail, ValidationErrors Errors) ParseStream(LogStreamParameters p)
    {
        var errors = new ValidationErrors();
        var tail = QueryValues.Int(p.Tail, 0, MaxLimit, "tail", errors) ?? DefaultLimit;
        var filter = Filter(p.Stream, p.Release, p.Q, errors);
        return (errors.Any ? null : filter, tail, errors);
    }

    /// <summary>A Last-Event-ID the stream sent earlier: resume after it. Anything else is ignored (start afresh).</summary>
    public static long? ResumeAfter(string? lastEventId) =>
        long.TryParse(lastEventId?.Trim(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id) ? id : null;

    private static LogFilter Filter(string? stream, string? release, string? q, ValidationErrors errors)
    {
        errors.Check("q", string.IsNullOrEmpty(q) ? null
            : q.Length < LikePattern.MinSearchLength ? $"q needs at least {LikePattern.MinSearchLength} characters (the search index works on runs of three characters)."
            : q.Length > LikePattern.MaxSearchLength ? $"q is at most {LikePattern.MaxSearchLength} characters."
            : null);
        return new LogFilter(
            QueryValues.OneOf(stream, LogFilter.Streams, "stream", errors),
            QueryValues.Id(release, "release", errors),
            string.IsNullOrEmpty(q) ? null : q);
    }
}
