using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using PersonalCloud.Contracts.Api;
using PersonalCloud.Integration.Tests.Support;

namespace PersonalCloud.Integration.Tests.Platform;

/// <summary>
/// GET /api/apps/{id}/logs: filters, search and cursor pages, over lines seeded straight into Postgres. A search gives exactly
/// the lines that contain the text, newest first across pages, whether they are not yet indexed (log_search_pending) or in
/// the reconciler's chunks (log_search_chunks).
/// </summary>
[Category("Integration")]
public sealed class LogQueryTests : PlatformTest
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    [Test]
    public async Task Query_PagedByAThousand_WalksAllLinesOnceWithoutGaps()
    {
        var app = await Api.CreateAppAsync(PlatformApi.UniqueName("logpages"));
        var ids = await LogSeeder.InsertAsync(Platform.DatabaseUrl, app.Id, LogSeeder.Numbered("page line", 2500), notify: false);

        var pages = new List<IReadOnlyList<LogLineResponse>>();
        string? next = $"/api/apps/{app.Id}/logs?limit=1000";
        while (next is not null)
        {
            using var response = await Api.Http.GetAsync(next);
            response.StatusCode.Should().Be(HttpStatusCode.OK);
            var page = (await response.Content.ReadFromJsonAsync<IReadOnlyList<LogLineResponse>>(Json))!;
            page.Select(l => l.Id).Should().BeInAscendingOrder("each page is returned oldest first");
            pages.Add(page);
            next = NextLink(response);
            if (next is not null)
                response.Headers.GetValues("X-Next-Before").Single().Should().Be(page[0].Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        pages.Select(p => p.Count).Should().Equal(1000, 1000, 500);
        var walked = pages.AsEnumerable().Reverse().SelectMany(p => p).ToList();
        walked.Select(l => l.Id).Should().Equal(ids, "oldest page last, concatenated: every line exactly once, in order");
        walked[0].Message.Should().Be("page line 00000");
        walked[^1].Message.Should().Be("page line 02499");
    }

    [Test]
    public async Task Query_FiltersByStreamReleaseAndTimeWindow()
    {
        var app = await Api.CreateAppAsync(PlatformApi.UniqueName("logfilter"));
        var releaseA = Guid.NewGuid();
        var releaseB = Guid.NewGuid();
        var now = DateTimeOffset.UtcNow;
        var t0 = now.AddHours(-3).AddTicks(-(now.Ticks % TimeSpan.TicksPerSecond)); // whole seconds: Postgres keeps microseconds
        var ids = await LogSeeder.InsertAsync(Platform.DatabaseUrl, app.Id,
        [
            new("a out early", "stdout", releaseA, t0),
            new("a err early", "stderr", releaseA, t0.AddMinutes(1)),
            new("b out middle", "stdout", releaseB, t0.AddHours(1)),
            new("b err middle", "stderr", releaseB, t0.AddHours(1).AddMinutes(1)),
            new("b out late", "stdout", releaseB, t0.AddHours(2)),
        ], notify: false);

        (await Messages(app.Id, "stream=stderr")).Should().Equal("a err early", "b err middle");
        (await Messages(app.Id, $"release={releaseA}")).Should().Equal("a out early", "a err early");
        (await Messages(app.Id, $"since={Rfc3339(t0.AddMinutes(30))}&until={Rfc3339(t0.AddHours(2))}")).Should().Equal("b out middle", "b err middle");
        (await Messages(app.Id, $"release={releaseB}&stream=stdout&since={Rfc3339(t0.AddHours(1))}")).Should().Equal("b out middle", "b out late");
        (await Messages(app.Id, $"limit=2&before={ids[3]}")).Should().Equal("a err early", "b out middle");
        // An unencoded '+' arrives as a space: the offset still reads as +02:00.
        (await Messages(app.Id, $"since={t0.AddHours(2).ToOffset(TimeSpan.FromHours(2)):yyyy-MM-ddTHH:mm:ss.fffffff}+02:00")).Should().Equal("b out late");
    }

    [Test]
    public async Task Query_Search_IsACaseInsensitiveLiteralSubstring()
    {
        var app = await Api.CreateAppAsync(PlatformApi.UniqueName("logsearch"));
        await LogSeeder.InsertAsync(Platform.DatabaseUrl, app.Id,
        [
            new("job 100%_done at step 4"),
            new("job 1000xdone at step 5"),
            new("Connection REFUSED by upstream"),
            new("all fine"),
        ], notify: false);

        (await Messages(app.Id, "q=" + Uri.EscapeDataString("0%_d"))).Should().Equal("job 100%_done at step 4");
        (await Messages(app.Id, "q=refused")).Should().Equal("Connection REFUSED by upstream");
        (await Messages(app.Id, "q=nothing-like-this")).Should().BeEmpty();
    }

    [Test]
    public async Task Query_Search_FindsALineTheAppPrinted()
    {
        var image = await EchoImage.BuildAsync(Platform.Docker);
        var app = await Api.CreateAppAsync(PlatformApi.UniqueName("logneedle"), image);
        var needle = "needle-" + Guid.NewGuid().ToString("N")[..12];
        await Eventually.UntilAsync(async () => (await Api.GetThroughProxyAsync(app.GeneratedHostname, $"/cgi-bin/say?{needle}")).Status == HttpStatusCode.OK,
            PlatformApi.ConvergeTimeout, "the app answers its CGI script");

        IReadOnlyList<LogLineResponse> found = [];
        await Eventually.UntilAsync(async () =>
        {
            found = await Api.GetAsync<IReadOnlyList<LogLineResponse>>($"/api/apps/{app.Id}/logs?q={needle.ToUpperInvariant()}&stream=stderr");
            return found.Count > 0;
        }, PlatformApi.ConvergeTimeout, "the printed line is collected and found by search");

        found.Should().ContainSingle().Which.Message.Should().Be($"said: {needle}");
        found[0].ReleaseId.Should().NotBeNull();
    }

    [Test]
    public async Task Search_BeforeAndAfterTheLinesAreIndexed_FindsExactlyTheLinesThatContainTheText()
    {
        var app = await Api.CreateAppAsync(PlatformApi.UniqueName("logchunks"));
        var messages = Enumerable.Range(0, 3500).Select(Message).ToList();
        // Two batches, as two collector transactions would write them: two pending ranges of one container.
        var ids = (await LogSeeder.InsertAsync(Platform.DatabaseUrl, app.Id, messages[..2000].Select(m => new SeedLine(m)).ToList(), notify: false))
            .Concat(await LogSeeder.InsertAsync(Platform.DatabaseUrl, app.Id, messages[2000..].Select(m => new SeedLine(m)).ToList(), notify: false))
            .ToList();
        string[] searches = ["TIMEOUT after", "kangaroo", "status=500 path=/api/orders", "req-0349"];

        foreach (var text in searches)
            (await SearchAllPagesAsync(app.Id, text)).Should().Equal(Expected(ids, messages, text), $"'{text}' as stored, before any indexing is certain");

        await Eventually.UntilAsync(
            async () => await LogApps.CountAsync(Platform, "SELECT count(*) FROM log_search_pending WHERE app_id = $1", app.Id) == 0,
            PlatformApi.ConvergeTimeout, "the reconciler indexes the app's lines");
        (await LogApps.CountAsync(Platform, "SELECT count(*) FROM log_search_chunks WHERE app_id = $1", app.Id)).Should().BeGreaterThanOrEqualTo(4);
        const string Covered =
            """
            SELECT count({0}) FROM log_lines l
            JOIN log_search_chunks c ON c.app_id = l.app_id AND c.container_id = l.container_id AND l.id BETWEEN c.first_id AND c.last_id
            WHERE l.app_id = $1
            """;
        (await LogApps.CountAsync(Platform, string.Format(CultureInfo.InvariantCulture, Covered, "DISTINCT l.id"), app.Id)).Should().Be(messages.Count, "every line is in a chunk");
        (await LogApps.CountAsync(Platform, string.Format(CultureInfo.InvariantCulture, Covered, "*"), app.Id)).Should().Be(messages.Count, "no line is in two");

        foreach (var text in searches)
            (await SearchAllPagesAsync(app.Id, text)).Should().Equal(Expected(ids, messages, text), $"'{text}' through the chunk index");
    }

    // Every 7th line times out (in varying case), one line in the middle holds a rare word.
    private static string Message(int i) =>
        $"req-{i:0000} status={(i % 5 == 0 ? 500 : 200)} path=/api/{(i % 3 == 0 ? "orders" : "users")}" +
        (i % 7 == 0 ? (i % 2 == 0 ? " upstream Timeout After 30s" : " upstream timeout after 30s") : "") +
        (i == 1750 ? " kangaroo detected" : "");

    private static List<long> Expected(List<long> ids, List<string> messages, string text) =>
        Enumerable.Range(0, messages.Count).Where(i => messages[i].Contains(text, StringComparison.OrdinalIgnoreCase)).Select(i => ids[i]).Reverse().ToList();

    [TestCase("limit=0", "limit")]
    [TestCase("limit=10001", "limit")]
    [TestCase("limit=ten", "limit")]
    [TestCase("q=ab", "q")]
    [TestCase("stream=both", "stream")]
    [TestCase("release=nope", "release")]
    [TestCase("since=yesterday", "since")]
    [TestCase("since=2025-01-02T00:00:00Z&until=2025-01-01T00:00:00Z", "until")]
    [TestCase("before=-3", "before")]
    public async Task Query_WithAnInvalidParameter_Answers400NamingIt(string query, string field)
    {
        var app = await Api.CreateAppAsync(PlatformApi.UniqueName("logbad"));
        using var response = await Api.Http.GetAsync($"/api/apps/{app.Id}/logs?{query}");

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        problem.GetProperty("type").GetString().Should().EndWith("/validation");
        problem.GetProperty("errors").TryGetProperty(field, out _).Should().BeTrue(problem.ToString());
    }

    [Test]
    public async Task Query_UnknownApp_Answers404() =>
        (await Api.Http.GetAsync($"/api/apps/{Guid.NewGuid()}/logs")).StatusCode.Should().Be(HttpStatusCode.NotFound);

    private async Task<IReadOnlyList<string>> Messages(Guid appId, string query) =>
        (await Api.GetAsync<IReadOnlyList<LogLineResponse>>($"/api/apps/{appId}/logs?{query}")).Select(l => l.Message).ToList();

    /// <summary>Follows the Link header through every page of 100 of a search; the ids newest first.</summary>
    private async Task<List<long>> SearchAllPagesAsync(Guid appId, string text)
    {
        var found = new List<long>();
        string? next = $"/api/apps/{appId}/logs?limit=100&q={Uri.EscapeDataString(text)}";
        for (var page = 0; next is not null && page < 100; page++)
        {
            using var response = await Api.Http.GetAsync(next);
            response.StatusCode.Should().Be(HttpStatusCode.OK);
            var lines = (await response.Content.ReadFromJsonAsync<IReadOnlyList<LogLineResponse>>(Json))!;
            lines.Should().OnlyContain(l => l.Message.Contains(text, StringComparison.OrdinalIgnoreCase));
            found.AddRange(lines.Select(l => l.Id).Reverse());
            next = NextLink(response);
        }

        return found;
    }

    private static string Rfc3339(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ", System.Globalization.CultureInfo.InvariantCulture);

    private static string? NextLink(HttpResponseMessage response)
    {
        if (!response.Headers.TryGetValues("Link", out var links))
            return null;
        var link = links.Single();
        link.Should().EndWith("; rel=\"next\"");
        return link[1..link.IndexOf('>', StringComparison.Ordinal)];
    }
}
