using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using PersonalCloud.Contracts.Api;
using PersonalCloud.Integration.Tests.Support;

namespace PersonalCloud.Integration.Tests.Platform;

/// <summary>
/// Search over lines not yet indexed (log_search_pending) and over the reconciler's chunks (log_search_chunks): both give
/// exactly the lines that contain the text, newest first across pages.
/// </summary>
[Category("Integration")]
public sealed class LogSearchTests
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private PlatformFixture _platform = null!;
    private PlatformApi _api = null!;

    [SetUp]
    public void SetUp()
    {
        _platform = PlatformFixture.Current;
        _api = new PlatformApi(_platform);
    }

    [Test]
    public async Task Search_BeforeAndAfterTheLinesAreIndexed_FindsExactlyTheLinesThatContainTheText()
    {
        var app = await _api.CreateAppAsync(PlatformApi.UniqueName("logchunks"));
        var messages = Enumerable.Range(0, 3500).Select(Message).ToList();
        // Two batches, as two collector transactions would write them: two pending ranges of one container.
        var ids = (await LogSeeder.InsertAsync(_platform.DatabaseUrl, app.Id, messages[..2000].Select(m => new SeedLine(m)).ToList(), notify: false))
            .Concat(await LogSeeder.InsertAsync(_platform.DatabaseUrl, app.Id, messages[2000..].Select(m => new SeedLine(m)).ToList(), notify: false))
            .ToList();
        string[] searches = ["TIMEOUT after", "kangaroo", "status=500 path=/api/orders", "req-0349"];

        foreach (var text in searches)
            (await SearchAllPagesAsync(app.Id, text)).Should().Equal(Expected(ids, messages, text), $"'{text}' as stored, before any indexing is certain");

        await Eventually.UntilAsync(
            async () => await LogApps.CountAsync(_platform, "SELECT count(*) FROM log_search_pending WHERE app_id = $1", app.Id) == 0,
            PlatformApi.ConvergeTimeout, "the reconciler indexes the app's lines");
        (await LogApps.CountAsync(_platform, "SELECT count(*) FROM log_search_chunks WHERE app_id = $1", app.Id)).Should().BeGreaterThanOrEqualTo(4);
        const string Covered =
            """
            SELECT count({0}) FROM log_lines l
            JOIN log_search_chunks c ON c.app_id = l.app_id AND c.container_id = l.container_id AND l.id BETWEEN c.first_id AND c.last_id
            WHERE l.app_id = $1
            """;
        (await LogApps.CountAsync(_platform, string.Format(CultureInfo.InvariantCulture, Covered, "DISTINCT l.id"), app.Id)).Should().Be(messages.Count, "every line is in a chunk");
        (await LogApps.CountAsync(_platform, string.Format(CultureInfo.InvariantCulture, Covered, "*"), app.Id)).Should().Be(messages.Count, "no line is in two");

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

    /// <summary>Follows the Link header through every page of 100; the ids newest first.</summary>
    private async Task<List<long>> SearchAllPagesAsync(Guid appId, string text)
    {
        var found = new List<long>();
        string? next = $"/api/apps/{appId}/logs?limit=100&q={Uri.EscapeDataString(text)}";
        for (var page = 0; next is not null && page < 100; page++)
        {
            using var response = await _api.Http.GetAsync(next);
            response.StatusCode.Should().Be(HttpStatusCode.OK);
            var lines = (await response.Content.ReadFromJsonAsync<IReadOnlyList<LogLineResponse>>(Json))!;
            lines.Should().OnlyContain(l => l.Message.Contains(text, StringComparison.OrdinalIgnoreCase));
            found.AddRange(lines.Select(l => l.Id).Reverse());
            next = response.Headers.TryGetValues("Link", out var links) ? links.Single()[1..links.Single().IndexOf('>', StringComparison.Ordinal)] : null;
        }

        return found;
    }
}
