using System.Net;
using System.Text.Json;
using Npgsql;
using PersonalCloud.Contracts.Api;
using PersonalCloud.ControlPlane.Logs;
using PersonalCloud.Integration.Tests.Support;

namespace PersonalCloud.Integration.Tests.Platform;

/// <summary>GET /api/apps/{id}/logs/stream: Server-Sent Events fed by LISTEN/NOTIFY and a poll.</summary>
[Category("Integration")]
public sealed class LogStreamTests : PlatformTest
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private static readonly TimeSpan EventTimeout = TimeSpan.FromSeconds(15);

    [Test]
    public async Task Stream_SendsTheTail_ThenNewLinesInOrder_NotifiedOrOnlyPolled()
    {
        var app = await Api.CreateAppAsync(PlatformApi.UniqueName("sse"));
        var seeded = await LogSeeder.InsertAsync(Platform.DatabaseUrl, app.Id, LogSeeder.Numbered("old", 150), notify: false);
        await using var stream = await ConnectAsync($"/api/apps/{app.Id}/logs/stream?tail=100");

        stream.Response.StatusCode.Should().Be(HttpStatusCode.OK);
        stream.Response.Content.Headers.ContentType!.MediaType.Should().Be("text/event-stream");
        var tail = await stream.TakeAsync(100, "line", EventTimeout);
        Ids(tail).Should().Equal(seeded.Skip(50), "the last 100 lines, oldest first");
        tail[^1].Id.Should().Be(seeded[^1].ToString(System.Globalization.CultureInfo.InvariantCulture));

        var sent = System.Diagnostics.Stopwatch.GetTimestamp();
        var notified = await LogSeeder.InsertAsync(Platform.DatabaseUrl, app.Id, LogSeeder.Numbered("notified", 5), notify: true);
        var got = await stream.TakeAsync(5, "line", EventTimeout);
        TestContext.Progress.WriteLine($"notified lines reached the client after {System.Diagnostics.Stopwatch.GetElapsedTime(sent).TotalMilliseconds:0} ms");
        Ids(got).Should().Equal(notified);
        Line(got[0]).Message.Should().Be("notified 00000");

        // No NOTIFY: the stream's poll finds them anyway.
        sent = System.Diagnostics.Stopwatch.GetTimestamp();
        var silent = await LogSeeder.InsertAsync(Platform.DatabaseUrl, app.Id, LogSeeder.Numbered("silent", 1500), notify: false);
        Ids(await stream.TakeAsync(1500, "line", EventTimeout)).Should().Equal(silent, "more than one batch of 1000, in order");
        TestContext.Progress.WriteLine($"unnotified lines reached the client after {System.Diagnostics.Stopwatch.GetElapsedTime(sent).TotalMilliseconds:0} ms");
    }

    [Test]
    public async Task Stream_Reconnecting_WithLastEventId_ResumesAfterItWithoutReplayingTheTail()
    {
        var app = await Api.CreateAppAsync(PlatformApi.UniqueName("sseresume"));
        var first = await LogSeeder.InsertAsync(Platform.DatabaseUrl, app.Id, LogSeeder.Numbered("first", 20), notify: false);
        await using (var stream = await ConnectAsync($"/api/apps/{app.Id}/logs/stream?tail=5"))
            Ids(await stream.TakeAsync(5, "line", EventTimeout)).Should().Equal(first.Skip(15));

        var missed = await LogSeeder.InsertAsync(Platform.DatabaseUrl, app.Id, LogSeeder.Numbered("while away", 3), notify: true);
        await using var resumed = await ConnectAsync($"/api/apps/{app.Id}/logs/stream?tail=5", lastEventId: first[^1].ToString(System.Globalization.CultureInfo.InvariantCulture));
        Ids(await resumed.TakeAsync(3, "line", EventTimeout)).Should().Equal(missed, "only what came after the last event seen");

        var later = await LogSeeder.InsertAsync(Platform.DatabaseUrl, app.Id, LogSeeder.Numbered("later", 2), notify: true);
        Ids(await resumed.TakeAsync(2, "line", EventTimeout)).Should().Equal(later);
    }

    [Test]
    public async Task Stream_ALineCommittedAfterAHigherId_IsStillSent()
    {
        var app = await Api.CreateAppAsync(PlatformApi.UniqueName("sselate"));
        await using var stream = await ConnectAsync($"/api/apps/{app.Id}/logs/stream?tail=0");

        // Two writers (old and new container in a rollout): the first takes the lower id but commits last.
        await using var slow = new NpgsqlConnection(Platform.DatabaseUrl);
        await slow.OpenAsync();
        await using var slowTx = await slow.BeginTransactionAsync();
        await using var insert = new NpgsqlCommand(
            "INSERT INTO log_lines (app_id, container_id, stream, message, timestamp) VALUES ($1, 'old', 'stdout', 'slow writer', now()) RETURNING id", slow, slowTx);
        insert.Parameters.AddWithValue(app.Id);
        var lowId = (long)(await insert.ExecuteScalarAsync())!;
        var fast = await LogSeeder.InsertAsync(Platform.DatabaseUrl, app.Id, [new("fast writer")], notify: true);
        Ids(await stream.TakeAsync(1, "line", EventTimeout)).Should().Equal(fast);

        await slowTx.CommitAsync();
        var late = await stream.TakeAsync(1, "line", EventTimeout);
        Ids(late).Should().Equal(lowId);
        Line(late[0]).Message.Should().Be("slow writer");
        fast[0].Should().BeGreaterThan(lowId);
    }

    [Test]
    public async Task Stream_WithFilters_SendsOnlyMatchingLines()
    {
        var app = await Api.CreateAppAsync(PlatformApi.UniqueName("ssefilter"));
        await using var stream = await ConnectAsync($"/api/apps/{app.Id}/logs/stream?tail=0&stream=stderr&q=Timeout");
        var ids = await LogSeeder.InsertAsync(Platform.DatabaseUrl, app.Id,
        [
            new("GET / 200"), new("upstream timeout after 5s", "stderr"), new("timeout on stdout"), new("disk full", "stderr"),
            new("TIMEOUT again", "stderr"),
        ], notify: true);

        var got = await stream.TakeAsync(2, "line", EventTimeout);
        Ids(got).Should().Equal(ids[1], ids[4]);
    }

    [Test]
    public async Task Stream_WhenTheAppIsDeleted_SendsEndAndCloses()
    {
        var app = await Api.CreateAppAsync(PlatformApi.UniqueName("sseend"));
        await using var stream = await ConnectAsync($"/api/apps/{app.Id}/logs/stream");
        (await Api.Http.DeleteAsync($"/api/apps/{app.Id}")).StatusCode.Should().Be(HttpStatusCode.Accepted);

        var end = await stream.TakeAsync(1, "end", EventTimeout);
        end[0].Data.Should().Contain("app deleted");
        (await stream.NextAsync(EventTimeout)).Should().BeNull("the server closes the response after end");
    }

    [Test]
    public async Task Stream_WhenIdle_SendsAKeepAliveComment()
    {
        var app = await Api.CreateAppAsync(PlatformApi.UniqueName("ssealive"));
        await using var stream = await ConnectAsync($"/api/apps/{app.Id}/logs/stream");

        var next = await stream.NextAsync(LogStreamer.KeepAliveInterval + TimeSpan.FromSeconds(10), includeComments: true);
        next!.IsComment.Should().BeTrue();
        next.Data.Should().Be("keep-alive");
    }

    [TestCase("tail=-1")]
    [TestCase("tail=10001")]
    [TestCase("q=ab")]
    [TestCase("stream=stdin")]
    public async Task Stream_WithAnInvalidParameter_Answers400(string query)
    {
        var app = await Api.CreateAppAsync(PlatformApi.UniqueName("ssebad"));
        (await Api.Http.GetAsync($"/api/apps/{app.Id}/logs/stream?{query}")).StatusCode.Should().Be(HttpStatusCode.BadRequest);
    }

    [Test]
    public async Task Stream_UnknownApp_Answers404() =>
        (await Api.Http.GetAsync($"/api/apps/{Guid.NewGuid()}/logs/stream")).StatusCode.Should().Be(HttpStatusCode.NotFound);

    [Test]
    public async Task LiveNotifications_WakeTheSubscribersOfTheNotifiedAppOnly()
    {
        await using var db = NpgsqlDataSource.Create(Platform.DatabaseUrl);
        using var notifications = new LiveNotifications(db, Microsoft.Extensions.Logging.Abstractions.NullLogger<LiveNotifications>.Instance);
        await notifications.StartAsync(CancellationToken.None);
        var appId = Guid.NewGuid();
        using var subscription = notifications.Subscribe(appId);
        using var other = notifications.Subscribe(Guid.NewGuid());

        // The listener connects in the background: notify until it hears one.
        await Eventually.UntilAsync(async () =>
        {
            await NotifyAsync(db, appId);
            return await subscription.WaitAsync(TimeSpan.FromMilliseconds(200), CancellationToken.None);
        }, TimeSpan.FromSeconds(30), "a NOTIFY on pcloud_logs wakes the app's subscriber");

        (await other.WaitAsync(TimeSpan.FromMilliseconds(300), CancellationToken.None)).Should().BeFalse("another app's lines do not wake it");
        notifications.SubscriberCount.Should().Be(2);
        await notifications.StopAsync(CancellationToken.None);
    }

    [Test]
    public async Task LiveNotifications_WakeAReleasesSubscriber_WhenTheReleaseReachesAStage()
    {
        var app = await Api.CreateAppAsync(PlatformApi.UniqueName("stagewake"));
        var deploy = await Api.DeployAsync(app.Id, "pcloud-test/not-there:1");
        await using var db = NpgsqlDataSource.Create(Platform.DatabaseUrl);
        using var notifications = new LiveNotifications(db, Microsoft.Extensions.Logging.Abstractions.NullLogger<LiveNotifications>.Instance);
        await notifications.StartAsync(CancellationToken.None);
        using var release = notifications.SubscribeRelease(deploy.Release!.Id);
        using var logs = notifications.Subscribe(deploy.Release.Id);

        // The listener connects in the background: write until it hears one. A stage row's trigger sends the NOTIFY.
        var stage = 0;
        await Eventually.UntilAsync(async () =>
        {
            await using var insert = db.CreateCommand("INSERT INTO release_stages (release_id, stage, at) VALUES ($1, $2, now())");
            insert.Parameters.AddWithValue(deploy.Release.Id);
            insert.Parameters.AddWithValue($"test-{stage++}");
            await insert.ExecuteNonQueryAsync();
            return await release.WaitAsync(TimeSpan.FromMilliseconds(200), CancellationToken.None);
        }, TimeSpan.FromSeconds(30), "a stage reached wakes the release's subscriber");

        (await logs.WaitAsync(TimeSpan.FromMilliseconds(300), CancellationToken.None)).Should().BeFalse("a log subscription with the same id listens on another channel");
        await notifications.StopAsync(CancellationToken.None);
        await Api.Http.DeleteAsync($"/api/apps/{app.Id}");
    }

    private static async Task NotifyAsync(NpgsqlDataSource db, Guid appId)
    {
        await using var command = db.CreateCommand("SELECT pg_notify('pcloud_logs', $1)");
        command.Parameters.AddWithValue(appId.ToString());
        await command.ExecuteNonQueryAsync();
    }

    private Task<SseClient> ConnectAsync(string path, string? lastEventId = null) =>
        SseClient.ConnectAsync(Platform.Api.BaseAddress!, Platform.ApiToken, path, lastEventId);

    private static IReadOnlyList<long> Ids(IEnumerable<SseEvent> events) =>
        events.Select(e => long.Parse(e.Id!, System.Globalization.CultureInfo.InvariantCulture)).ToList();

    private static LogLineResponse Line(SseEvent e) => JsonSerializer.Deserialize<LogLineResponse>(e.Data, Json)!;
}
