using System.Net;
using Microsoft.Playwright;
using Npgsql;
using PersonalCloud.Contracts.Api;
using PersonalCloud.Integration.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace PersonalCloud.Integration.Tests.Platform.Dashboard;

/// <summary>Pages whose content needs a history to show: health with failed checks, a deploy from an uploaded tarball.</summary>
[Category("Integration")]
// Alone: Chromium aborts its requests in flight whenever Docker adds or removes a network interface (FIELD-NOTES), which
// tests running beside it do all the time; a dropped click or fetch is not a navigation the harness can repeat.
[NonParallelizable]
public sealed class DashboardPagesTests : DashboardTest
{
    [Test]
    public async Task Health_WithFailedChecks_MarksEachByShapeAndText()
    {
        var app = await CreateAppAsync("health");
        var failures = new[] { 17, 18, 41 };
        await SeedHealthAsync(app.Id, count: 60, failures);

        var page = await Browser.SignedInPageAsync();
        await DashboardBrowser.GotoAsync(page, $"/apps/{app.Id}/health");
        var chart = page.Locator("svg.chart");
        await Expect(chart).ToHaveAttributeAsync("aria-label", "Health-check latency: 60 checks, median 12 ms, highest 2000 ms, 3 failed.");
        await Expect(chart.Locator(".chart-fail")).ToHaveCountAsync(failures.Length);
        // The two neighbours share a label; the timeout sits off-scale on the top edge, with its latency.
        await Expect(chart.Locator(".chart-fail-label")).ToHaveTextAsync(["failed ×2", "failed 2000 ms"]);
        await Expect(chart.Locator("circle.chart-ok")).ToHaveCountAsync(60 - failures.Length);
        await Expect(page.Locator(".chart-legend")).ToContainTextAsync("failed (3)");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Failed checks (3)" })).ToBeVisibleAsync();
        await Expect(page.Locator(".failure-list")).ToContainTextAsync("HTTP 503");
        await Expect(page.Locator(".failure-list")).ToContainTextAsync("timed out after 2 s");
        await Screenshots.SaveAsync(page, "health");
    }

    [Test]
    public async Task UploadSource_BuildsAndServesIt_AndKeepsTheBuildLog()
    {
        var app = await CreateAppAsync("upload");
        var body = "built-from-an-upload-" + Guid.NewGuid().ToString("N")[..6];
        var archive = SourceContexts.TarGz(SourceContexts.WithBusybox(SourceContexts.ServingDockerfile(body)));

        var page = await Browser.SignedInPageAsync();
        await DashboardBrowser.GotoAsync(page, $"/apps/{app.Id}");
        await page.GetByRole(AriaRole.Button, new() { Name = "Upload source…" }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog, new() { Name = "Deploy from source" });
        await dialog.GetByLabel("Source tarball").SetInputFilesAsync(new FilePayload { Name = "app.tar.gz", MimeType = "application/gzip", Buffer = archive });
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Upload and build" }).ClickAsync();
        await Expect(dialog).ToBeHiddenAsync();
        await Expect(page.Locator(".app-status .badge")).ToHaveAttributeAsync("aria-label", "Status: running",
            new() { Timeout = (float)DashboardBrowser.ConvergeTimeout.TotalMilliseconds });
        (HttpStatusCode Status, string Body) answer = default;
        await Eventually.UntilAsync(async () =>
        {
            answer = await Api.GetThroughProxyAsync(app.GeneratedHostname);
            return answer.Body.Contains(body, StringComparison.Ordinal);
        }, DashboardBrowser.ConvergeTimeout, () => $"the uploaded build answers (last: {answer.Status} {answer.Body})");

        await page.GetByRole(AriaRole.Navigation, new() { Name = "App sections" }).GetByRole(AriaRole.Link, new() { Name = "Releases" }).ClickAsync();
        await Expect(page.Locator("tr[data-release-id]").First).ToContainTextAsync("built from an uploaded tarball");
        await page.GetByRole(AriaRole.Button, new() { Name = "Build log" }).ClickAsync();
        var log = page.GetByRole(AriaRole.Dialog, new() { NameRegex = new System.Text.RegularExpressions.Regex("^Build log of") });
        await Expect(log.Locator("pre")).ToContainTextAsync("busybox");
        await Screenshots.SaveAsync(page, "build-log", fullPage: false);
        await page.Keyboard.PressAsync("Escape");
        await Expect(log).ToBeHiddenAsync();
    }

    [Test]
    public async Task DeployImage_Invalid_ShowsTheProblemNextToTheField()
    {
        var app = await CreateAppAsync("badimage");
        var page = await Browser.SignedInPageAsync();
        await DashboardBrowser.GotoAsync(page, $"/apps/{app.Id}");
        await page.GetByRole(AriaRole.Button, new() { Name = "Deploy image…" }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog, new() { Name = "Deploy an image" });
        var image = dialog.GetByRole(AriaRole.Textbox, new() { Name = "Image", Exact = true });
        await image.FillAsync("Not A Valid Image!");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Deploy" }).ClickAsync();
        await Expect(image).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(dialog.Locator(".field-error")).ToContainTextAsync("Not a valid image reference");
        await Expect(dialog.GetByRole(AriaRole.Alert)).ToContainTextAsync("The request is not valid.");
        await Expect(image).ToBeFocusedAsync();
    }

    [Test]
    public async Task Env_AddEditRemove_EachMakesANewDesiredGeneration()
    {
        var app = await CreateAppAsync("envedit");
        var page = await Browser.SignedInPageAsync();
        await DashboardBrowser.GotoAsync(page, $"/apps/{app.Id}/env");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "No variables" })).ToBeVisibleAsync();

        await page.GetByRole(AriaRole.Textbox, new() { Name = "Name", Exact = true }).FillAsync("not a key");
        await page.GetByLabel(new System.Text.RegularExpressions.Regex("^Value")).FillAsync("x");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save variable" }).ClickAsync();
        await Expect(page.Locator("form .field-error").First).ToContainTextAsync("An environment variable name");

        await page.GetByRole(AriaRole.Textbox, new() { Name = "Name", Exact = true }).FillAsync("COLOUR");
        await page.GetByLabel(new System.Text.RegularExpressions.Regex("^Value")).FillAsync("blue");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save variable" }).ClickAsync();
        var row = page.Locator("tr[data-key='COLOUR']");
        await Expect(row).ToBeVisibleAsync();

        await row.GetByRole(AriaRole.Button, new() { Name = "Edit COLOUR" }).ClickAsync();
        var edit = page.GetByRole(AriaRole.Dialog, new() { Name = "Edit COLOUR" });
        var value = edit.GetByRole(AriaRole.Textbox, new() { Name = "Value" });
        await Expect(value).ToHaveValueAsync("blue");
        await value.FillAsync("green\nwith a second line");
        await edit.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Expect(edit).ToBeHiddenAsync();
        await row.GetByRole(AriaRole.Button, new() { Name = "Reveal COLOUR" }).ClickAsync();
        await Expect(row.Locator(".env-value")).ToHaveTextAsync("green\nwith a second line");

        await row.GetByRole(AriaRole.Button, new() { Name = "Remove COLOUR" }).ClickAsync();
        await page.GetByRole(AriaRole.Dialog, new() { Name = "Remove COLOUR?" }).GetByRole(AriaRole.Button, new() { Name = "Remove variable" }).ClickAsync();
        await Expect(row).ToHaveCountAsync(0);
        var current = await Api.GetAppAsync(app.Id);
        current!.Generation.Should().BeGreaterThanOrEqualTo(app.Generation + 3, "add, edit and remove each made a new desired generation");
    }

    private async Task<AppResponse> CreateAppAsync(string prefix)
    {
        var app = await Api.CreateAppAsync(PlatformApi.UniqueName(prefix));
        Apps.Add(app.Id);
        return app;
    }

    /// <summary>A history as the health monitor writes it: mostly quick passes, a few failures (one a timeout).</summary>
    private async Task SeedHealthAsync(Guid appId, int count, int[] failures)
    {
        await using var connection = new NpgsqlConnection(Browser.Platform.DatabaseUrl);
        await connection.OpenAsync();
        var start = DateTime.UtcNow.AddSeconds(-10 * count);
        for (var i = 0; i < count; i++)
        {
            var failed = failures.Contains(i);
            var timeout = failed && i == failures[^1];
            await using var insert = new NpgsqlCommand(
                "INSERT INTO health_check_results (app_id, checked_at, status, http_status, latency_ms, error) VALUES ($1, $2, $3, $4, $5, $6)", connection);
            insert.Parameters.AddWithValue(appId);
            insert.Parameters.AddWithValue(start.AddSeconds(10 * i));
            insert.Parameters.AddWithValue(failed ? "unhealthy" : "healthy");
            insert.Parameters.AddWithValue(timeout ? DBNull.Value : failed ? 503 : 200);
            insert.Parameters.AddWithValue(timeout ? 2000 : failed ? 35 : 8 + (i * 7 % 9));
            insert.Parameters.AddWithValue(timeout ? "timed out after 2 s" : failed ? "HTTP 503" : DBNull.Value);
            await insert.ExecuteNonQueryAsync();
        }

        await using var last = new NpgsqlCommand("UPDATE health_checks SET last_status = 'healthy', last_checked_at = $2 WHERE app_id = $1", connection);
        last.Parameters.AddWithValue(appId);
        last.Parameters.AddWithValue(start.AddSeconds(10 * (count - 1)));
        await last.ExecuteNonQueryAsync();
    }
}
