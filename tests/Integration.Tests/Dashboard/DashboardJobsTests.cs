using System.Net.Http.Json;
using Microsoft.Playwright;
using PersonalCloud.Contracts.Api;
using PersonalCloud.Contracts.Apps;
using static Microsoft.Playwright.Assertions;

namespace PersonalCloud.Integration.Tests.Platform.Dashboard;

/// <summary>The Jobs &amp; runs tab: a cron job made in the browser, its schedule in words, runs and their output; a one-off run live; a failing job said on the app and the list.</summary>
[Category("Integration")]
// Alone: Chromium aborts its requests in flight whenever Docker adds or removes a network interface (FIELD-NOTES), which
// tests running beside it do all the time; a dropped click or fetch is not a navigation the harness can repeat.
[NonParallelizable]
public sealed class DashboardJobsTests : DashboardTest
{
    private static readonly LocatorAssertionsToHaveTextOptions Slow = new() { Timeout = 60_000 };
    private static readonly LocatorAssertionsToContainTextOptions SlowContains = new() { Timeout = 60_000 };

    private async Task<AppResponse> ServingAppAsync(string prefix)
    {
        var app = await Api.CreateAppAsync(PlatformApi.UniqueName(prefix), Browser.Platform.HelloImage);
        Apps.Add(app.Id);
        return await Api.WaitForAsync(app.Id, app.Generation, AppStatus.Running);
    }

    [Test]
    public async Task CronJob_MadeInTheBrowser_ShowsItsScheduleInWords_ItsRuns_AndEachRunsOutput()
    {
        var app = await ServingAppAsync("dashjobs");
        var page = await Browser.SignedInPageAsync();
        await DashboardBrowser.GotoAsync(page, $"/apps/{app.Id}/jobs");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "No cron jobs yet" })).ToBeVisibleAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = "+ New cron job" }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog, new() { Name = "New cron job" });
        await dialog.GetByRole(AriaRole.Textbox, new() { Name = "Name", Exact = true }).FillAsync("tick");
        var schedule = dialog.GetByRole(AriaRole.Textbox, new() { Name = "Schedule", Exact = true });
        await schedule.FillAsync("61 * * * *");
        await Expect(dialog.Locator(".schedule-preview")).ToContainTextAsync("minute hour day-of-month month day-of-week");
        await dialog.GetByRole(AriaRole.Textbox, new() { Name = "Command", Exact = true }).FillAsync("echo dashboard-tick");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Create job" }).ClickAsync();
        await Expect(schedule).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(dialog.Locator("[data-field='schedule'] .field-error")).ToContainTextAsync("'61 * * * *' is not a valid schedule");

        await schedule.FillAsync("*/2 * * * * *");
        await Expect(dialog.Locator(".schedule-preview")).ToContainTextAsync("Every 2 seconds (UTC)");
        await Screenshots.SaveAsync(page, "cron-job-form", fullPage: false);
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Create job" }).ClickAsync();
        await Expect(dialog).ToBeHiddenAsync();

        var row = page.Locator("tr[data-job-name='tick']");
        await Expect(row.Locator(".schedule-words")).ToHaveTextAsync("Every 2 seconds (UTC)");
        await Expect(row.Locator(".next-run time").First).ToBeVisibleAsync();
        await Expect(row.Locator(".outcome-strip li[data-outcome='succeeded']").First).ToBeVisibleAsync(new() { Timeout = 60_000 });
        await Screenshots.SaveAsync(page, "cron-jobs");

        await row.GetByRole(AriaRole.Button, new() { Name = "History" }).ClickAsync();
        var history = page.GetByRole(AriaRole.Region, new() { Name = "Runs of tick" });
        var succeeded = history.Locator("tr[data-outcome='succeeded']").First;
        await Expect(succeeded).ToBeVisibleAsync(new() { Timeout = 60_000 });
        await succeeded.GetByRole(AriaRole.Button, new() { Name = "Output" }).ClickAsync();
        var output = page.Locator(".run-output");
        await Expect(output.Locator(".run-lines")).ToHaveTextAsync("dashboard-tick\n", Slow);
        await Expect(output.Locator(".run-summary")).ToHaveTextAsync("Ended: succeeded, exit code 0", Slow);

        await row.GetByRole(AriaRole.Button, new() { Name = "Suspend" }).ClickAsync();
        await Expect(row.Locator(".badge[aria-label='Job: suspended']")).ToBeVisibleAsync();
        await Expect(row.Locator(".next-run")).ToHaveTextAsync("none while suspended");
        await Expect(row.GetByRole(AriaRole.Button, new() { Name = "Resume" })).ToBeVisibleAsync();
    }

    [Test]
    public async Task OneOffRun_ShowsItsOutputLive_AndAFailingJobIsSaidOnTheAppAndTheAppsList()
    {
        var app = await ServingAppAsync("dashruns");
        var page = await Browser.SignedInPageAsync();
        await DashboardBrowser.GotoAsync(page, $"/apps/{app.Id}/jobs");

        await page.GetByRole(AriaRole.Textbox, new() { Name = "Command", Exact = true }).FillAsync("echo one-off-out; sleep 1; echo one-off-done; exit 4");
        await page.GetByRole(AriaRole.Button, new() { Name = "Run", Exact = true }).ClickAsync();
        var output = page.Locator(".run-output");
        await Expect(output.Locator(".run-lines")).ToHaveTextAsync("one-off-out\none-off-done\n", Slow);
        await Expect(output.Locator(".run-summary")).ToHaveTextAsync("Ended: failed, exit code 4 — exited with code 4", Slow);
        await Expect(page.Locator(".runs-table tr[data-outcome='failed']")).ToHaveCountAsync(1);
        await Screenshots.SaveAsync(page, "one-off-run");

        using var created = await Api.Http.PostAsJsonAsync($"/api/apps/{app.Id}/cron",
            new CronJobRequest("nightly-import", "* * * * * *", "echo connection refused >&2; exit 1", ConcurrencyPolicy: "allow"));
        created.EnsureSuccessStatusCode();
        var banner = page.Locator(".job-alerts [role='alert']");
        await Expect(banner).ToContainTextAsync("nightly-import", SlowContains);
        await Expect(banner).ToContainTextAsync("times in a row (last: exited with code 1)");
        await Screenshots.SaveAsync(page, "job-alert", fullPage: false);

        await DashboardBrowser.GotoAsync(page, "/");
        await Expect(page.Locator($"tr[data-app-name='{app.Name}'] .job-alert")).ToContainTextAsync("job nightly-import:", SlowContains);
    }
}
