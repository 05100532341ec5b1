using PersonalCloud.ControlPlane.Logs;

namespace PersonalCloud.ControlPlane.Tests.Logs;

public sealed class LogQueryParserTests
{
    private static LogsQueryParameters Query(string? limit = null, string? since = null, string? until = null, string? stream = null,
        string? release = null, string? q = null, string? before = null) => new(limit, since, until, stream, release, q, before);

    [Test]
    public void Parse_Nothing_IsTheNewestHundredOfEverything()
    {
        var (request, errors) = LogQueryParser.Parse(Query());
        errors.Any.Should().BeFalse();
        request.Should().Be(new LogPageRequest(new LogFilter(), 100, null));
    }

    [Test]
    public void Parse_EveryFilter_IsCarried()
    {
        var release = Guid.NewGuid();
        var (request, _) = LogQueryParser.Parse(Query("2500", "2025-01-01T00:00:00Z", "2025-01-02T00:00:00Z", "stdout", release.ToString(), "timeout", "42"));

        request!.Limit.Should().Be(2500);
        request.Before.Should().Be(42);
        request.Filter.Should().Be(new LogFilter("stdout", release, "timeout",
            new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2025, 1, 2, 0, 0, 0, TimeSpan.Zero)));
    }

    [TestCase("ab")]
    [TestCase("x")]
    public void Parse_SearchShorterThanATrigram_IsRejected(string q)
    {
        var (request, errors) = LogQueryParser.Parse(Query(q: q));
        request.Should().BeNull();
        errors.ToDictionary()["q"].Single().Should().Contain("at least 3");
    }

    [Test]
    public void Parse_EmptySearch_MeansNoSearch() => LogQueryParser.Parse(Query(q: "")).Request!.Filter.Text.Should().BeNull();

    [Test]
    public void Parse_SeveralBadValues_ReportsEachField()
    {
        var (request, errors) = LogQueryParser.Parse(Query("0", "soon", null, "both", "not-a-guid", "ab", "-1"));
        request.Should().BeNull();
        errors.ToDictionary().Keys.Should().BeEquivalentTo("limit", "since", "stream", "release", "q", "before");
    }

    [Test]
    public void ParseStream_DefaultsToATailOfAHundred_AndAllowsZero()
    {
        LogQueryParser.ParseStream(new LogStreamParameters(null, null, null, null)).Tail.Should().Be(100);
        LogQueryParser.ParseStream(new LogStreamParameters("0", null, null, null)).Tail.Should().Be(0);
        LogQueryParser.ParseStream(new LogStreamParameters("10001", null, null, null)).Filter.Should().BeNull();
    }

    [TestCase("1234", 1234L)]
    [TestCase(" 77 ", 77L)]
    [TestCase("", null)]
    [TestCase(null, null)]
    [TestCase("abc", null)]
    public void ResumeAfter_ReadsTheIdTheStreamSent(string? lastEventId, long? expected) =>
        LogQueryParser.ResumeAfter(lastEventId).Should().Be(expected);
}
