using System.Net.Http.Json;
using Microsoft.Playwright;
using Npgsql;
using NpgsqlTypes;
using PersonalCloud.Contracts.Api;
using PersonalCloud.Contracts.Notifications;
using PersonalCloud.Integration.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace PersonalCloud.Integration.Tests.Platform.Dashboard;

/// <summary>The log viewer under load (100,000 lines) and against hostile text. Lines go straight into log_lines.</summary>
[Category("Integration")]
// Alone: Chromium aborts its requests in flight whenever Docker adds or removes a network interface (FIELD-NOTES), which
// tests running beside it do all the time; a dropped click or fetch is not a navigation the harness can repeat.
[NonParallelizable]
public sealed class LogViewerTests : DashboardTest
{
    private const int LineCount = 100_000;

    [Test]
    public async Task Logs_With100000LinesStreamedIn_KeepFewRowsInTheDomAndFindTheMarkedLine()
    {
        var app = await CreateAppAsync("logs100k");
        // The platform keeps 10,000 lines per app by default; this app keeps them all.
        var settings = await Api.Http.PutAsJsonAsync($"/api/apps/{app.Id}/log-settings", new UpdateLogSettingsRequest(Retention: new LogRetentionSettings(Lines: 200_000)));
        settings.EnsureSuccessStatusCode();
        var page = await Browser.SignedInPageAsync();
        await DashboardBrowser.GotoAsync(page, $"/apps/{app.Id}/logs");
        await Expect(page.Locator(".live-status")).ToHaveTextAsync("● Live");

        var marker = "needle-" + Guid.NewGuid().ToString("N")[..10];
        var last = "the-very-last-line-" + Guid.NewGuid().ToString("N")[..6];
        await CopyLinesAsync(app.Id, LineCount, i => i switch
        {
            LineCount / 2 => $"line {i:000000} {marker} is here",
            LineCount - 1 => $"line {i:000000} {last}",
            _ => i % 10 == 0 ? $"line {i:000000} \u001b[32mGET\u001b[0m /api/items 200 {i % 997} ms" : $"line {i:000000} request handled in {i % 131} ms",
        });

        await Expect(page.Locator(".log-count")).ToContainTextAsync("100,000 lines", new() { Timeout = 120_000 });
        (await page.Locator(".log-row").CountAsync()).Should().BeLessThan(300, "only the rows in sight and an overscan are in the DOM");
        await Expect(page.Locator(".log-row", new() { HasText = last })).ToBeVisibleAsync();

        // Scroll to the middle and to the top: the rows in the DOM follow, their number stays bounded.
        var scrollMs = await page.EvaluateAsync<double>(
            """
            async () => {
              const view = document.querySelector('.log-view');
              const t0 = performance.now();
              view.scrollTop = view.scrollHeight / 2;
              await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
              return performance.now() - t0;
            }
            """);
        var middleIds = await page.EvaluateAsync<long[]>("() => [...document.querySelectorAll('.log-row')].map(r => Number(r.dataset.id))");
        middleIds.Length.Should().BeInRange(1, 299);
        (await page.Locator(".log-row", new() { HasText = $"line {LineCount / 2:000000}" }).CountAsync()).Should().Be(1, "the middle of the buffer is in sight");
        await Expect(page.Locator(".live-status")).ToContainTextAsync("scrolled up");

        // A keypress (typing in the search box) while 100,000 lines are held.
        var keyMs = await page.EvaluateAsync<double>(
            """
            async () => {
              const input = document.getElementById('log-search');
              input.focus();
              const t0 = performance.now();
              input.value = 'ne';
              input.dispatchEvent(new Event('input'));
              await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
              return performance.now() - t0;
            }
            """);
        TestContext.Progress.WriteLine($"100,000 lines held: scroll to the middle rendered in {scrollMs:0.0} ms, a keypress in {keyMs:0.0} ms");
        await Screenshots.SaveAsync(page, "logs-100k", fullPage: false);

        // "Jump to bottom" reaches the last line again.
        await page.GetByRole(AriaRole.Button, new() { Name = "Jump to bottom" }).ClickAsync();
        await Expect(page.Locator(".log-row", new() { HasText = last })).ToBeVisibleAsync();
        await Expect(page.Locator(".live-status")).ToHaveTextAsync("● Live");

        // Search runs on the server and finds the marked line.
        await page.GetByRole(AriaRole.Searchbox, new() { Name = "Search", Exact = true }).FillAsync(marker);
        await Expect(page.Locator(".log-row", new() { HasText = marker })).ToBeVisibleAsync();
        await Expect(page.Locator(".log-row mark")).ToHaveTextAsync(marker);
        await Expect(page.Locator(".log-count")).ToContainTextAsync("1 line matching");
        await Screenshots.SaveAsync(page, "logs-search", fullPage: false);
    }

    [Test]
    public async Task Logs_WithMarkupAndAnsiCodes_RenderAsInertTextWithColours()
    {
        var app = await CreateAppAsync("xss");
        const string probe = "<img src=x onerror=alert(1)>";
        await LogSeeder.InsertAsync(Browser.Platform.DatabaseUrl, app.Id,
        [
            new SeedLine($"user agent: {probe}", "stderr"),
            new SeedLine("<script>alert(2)</script> and \u001b[1;31mred bold\u001b[0m then \u001b[38;5;208morange\u001b[0m plain"),
        ], notify: true);
        await Api.SetEnvAsync(app.Id, new Dictionary<string, string?> { ["HTML_VALUE"] = "<b onmouseover=alert(3)>bold?</b>" });

        var page = await Browser.SignedInPageAsync();
        await DashboardBrowser.GotoAsync(page, $"/apps/{app.Id}/logs");
        await Expect(page.Locator(".log-row", new() { HasText = probe })).ToBeVisibleAsync();
        (await page.Locator(".log-view img, .log-view script, .log-view b").CountAsync()).Should().Be(0, "log text never becomes markup");
        await Expect(page.Locator(".log-row .ansi-fg-31.ansi-bold")).ToHaveTextAsync("red bold");
        await Expect(page.Locator(".log-row .log-msg span", new() { HasText = "orange" })).ToBeVisibleAsync();
        (await page.Locator(".log-row", new() { HasText = "plain" }).TextContentAsync()).Should().NotContain("\u001b");
        await Screenshots.SaveAsync(page, "logs-inert-text", fullPage: false);

        await DashboardBrowser.GotoAsync(page, $"/apps/{app.Id}/env");
        await page.GetByRole(AriaRole.Button, new() { Name = "Reveal HTML_VALUE" }).ClickAsync();
        await Expect(page.Locator("tr[data-key='HTML_VALUE'] .env-value")).ToHaveTextAsync("<b onmouseover=alert(3)>bold?</b>");
        (await page.Locator(".env-table b").CountAsync()).Should().Be(0);
    }

    [Test]
    public async Task Logs_WhenPaused_KeepCollectingButHoldTheView_AndFilterByStream()
    {
        var app = await CreateAppAsync("pause");
        await LogSeeder.InsertAsync(Browser.Platform.DatabaseUrl, app.Id, LogSeeder.Numbered("before", 50), notify: true);
        var page = await Browser.SignedInPageAsync();
        await DashboardBrowser.GotoAsync(page, $"/apps/{app.Id}/logs");
        await Expect(page.Locator(".log-count")).ToHaveTextAsync("50 lines");

        await page.GetByRole(AriaRole.Button, new() { Name = "Pause" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Resume" })).ToHaveAttributeAsync("aria-pressed", "true");
        var lines = Enumerable.Range(0, 60).Select(i => new SeedLine($"while paused {i:00}", i % 2 == 0 ? "stdout" : "stderr")).ToList();
        await LogSeeder.InsertAsync(Browser.Platform.DatabaseUrl, app.Id, lines, notify: true);
        await Expect(page.Locator(".live-status")).ToHaveTextAsync("❚❚ Paused · 60 new lines");
        await Expect(page.Locator(".log-count")).ToHaveTextAsync("110 lines");
        (await page.EvaluateAsync<bool>("() => { const v = document.querySelector('.log-view'); return v.scrollTop + v.clientHeight < v.scrollHeight - 100; }"))
            .Should().BeTrue("a paused view stays where it was while lines keep arriving below");

        await page.GetByRole(AriaRole.Button, new() { Name = "Resume" }).ClickAsync();
        await Expect(page.Locator(".live-status")).ToHaveTextAsync("● Live");
        await page.WaitForFunctionAsync(
            """
            text => {
              const view = document.querySelector('.log-view').getBoundingClientRect();
              const row = [...document.querySelectorAll('.log-row')].find(r => r.textContent.includes(text));
              if (!row) return false;
              const r = row.getBoundingClientRect();
              return r.top >= view.top && r.bottom <= view.bottom;
            }
            """, "while paused 59");

        await page.GetByLabel("Stream").SelectOptionAsync("stderr");
        await Expect(page.Locator(".log-count")).ToHaveTextAsync("30 lines");
        (await page.Locator(".log-row[data-stream='stdout']").CountAsync()).Should().Be(0);
    }

    [Test]
    public async Task Logs_ScrolledToTheTop_LoadOlderLinesAndKeepTheViewInPlace()
    {
        var app = await CreateAppAsync("older");
        await LogSeeder.InsertAsync(Browser.Platform.DatabaseUrl, app.Id, LogSeeder.Numbered("history", 3000), notify: true);
        var page = await Browser.SignedInPageAsync();
        await DashboardBrowser.GotoAsync(page, $"/apps/{app.Id}/logs");
        await Expect(page.Locator(".log-count")).ToHaveTextAsync("1,000 lines");

        await page.EvaluateAsync("() => { document.querySelector('.log-view').scrollTop = 0; }");
        await Expect(page.Locator(".log-count")).ToHaveTextAsync("3,000 lines");
        await Expect(page.Locator(".log-row", new() { HasText = "history 02000" })).ToBeVisibleAsync();
        await page.EvaluateAsync("() => { document.querySelector('.log-view').scrollTop = 0; }");
        await Expect(page.Locator(".log-row", new() { HasText = "history 00000" })).ToBeVisibleAsync();
    }

    [Test]
    public async Task LogSettings_Saved_AreWhatTheApiReturns()
    {
        var app = await CreateAppAsync("logset");
        var page = await Browser.SignedInPageAsync();
        await DashboardBrowser.GotoAsync(page, $"/apps/{app.Id}/logs");
        await page.GetByText("Log settings: masking and retention").ClickAsync();
        var mask = page.GetByLabel("Replace the app's environment values with *** in its logs");
        await Expect(mask).ToBeCheckedAsync();
        await mask.UncheckAsync();
        await page.GetByRole(AriaRole.Spinbutton, new() { Name = "Keep at most (lines)" }).FillAsync("5000");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save log settings" }).ClickAsync();
        await Expect(page.Locator(".toast")).ToContainTextAsync("Log settings saved.");
        var settings = await Api.GetAsync<LogSettingsResponse>($"/api/apps/{app.Id}/log-settings");
        settings.Should().Be(new LogSettingsResponse(false, new LogRetentionSettings(5000, null)));

        await page.GetByRole(AriaRole.Spinbutton, new() { Name = "Keep at most (lines)" }).FillAsync("5");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save log settings" }).ClickAsync();
        await Expect(page.Locator(".log-settings .field-error:visible")).ToContainTextAsync("Retention lines are between 100");
    }

    private async Task<AppResponse> CreateAppAsync(string prefix)
    {
        var app = await Api.CreateAppAsync(PlatformApi.UniqueName(prefix));
        Apps.Add(app.Id);
        return app;
    }

    /// <summary>
    /// COPY is the quickest way in; then, as the collector does, the lines' id range for the search index and a NOTIFY
    /// that wakes the live streams.
    /// </summary>
    private async Task CopyLinesAsync(Guid appId, int count, Func<int, string> message)
    {
        long afterId;
        await using var connection = new NpgsqlConnection(Browser.Platform.DatabaseUrl);
        await connection.OpenAsync();
        var start = DateTime.UtcNow.AddSeconds(-count / 1000.0);
        await using (var before = new NpgsqlCommand("SELECT nextval('log_lines_id_seq')", connection))
            afterId = (long)(await before.ExecuteScalarAsync())!;
        await using (var writer = await connection.BeginBinaryImportAsync(
            "COPY log_lines (app_id, container_id, stream, message, timestamp) FROM STDIN (FORMAT BINARY)"))
        {
            for (var i = 0; i < count; i++)
            {
                await writer.StartRowAsync();
                await writer.WriteAsync(appId, NpgsqlDbType.Uuid);
                await writer.WriteAsync("seeded", NpgsqlDbType.Text);
                await writer.WriteAsync(i % 7 == 0 ? "stderr" : "stdout", NpgsqlDbType.Text);
                await writer.WriteAsync(message(i), NpgsqlDbType.Text);
                await writer.WriteAsync(start.AddMilliseconds(i), NpgsqlDbType.TimestampTz);
            }

            await writer.CompleteAsync();
        }

        await using (var last = new NpgsqlCommand("SELECT currval('log_lines_id_seq')", connection))
            await LogSeeder.RecordForSearchAsync(connection, null, appId, afterId, (long)(await last.ExecuteScalarAsync())!);
        await using var notify = new NpgsqlCommand("SELECT pg_notify($1, $2)", connection);
        notify.Parameters.AddWithValue(NotificationChannels.LogsAppended);
        notify.Parameters.AddWithValue(appId.ToString());
        await notify.ExecuteNonQueryAsync();
    }
}
