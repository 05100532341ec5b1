using Microsoft.Playwright;
using PersonalCloud.Contracts.Apps;
using static Microsoft.Playwright.Assertions;

namespace PersonalCloud.Integration.Tests.Platform.Dashboard;

/// <summary>The processes tab creates a worker and scales web in the browser; under the hood shows every replica's container by process.</summary>
[Category("Integration")]
// Alone: Chromium aborts its requests in flight whenever Docker adds or removes a network interface (FIELD-NOTES), which
// tests running beside it do all the time; a dropped click or fetch is not a navigation the harness can repeat.
[NonParallelizable]
public sealed class ProcessesTabTests : DashboardTest
{
    private const string WorkingCommand = "echo worker-up; while true; do echo working; sleep 1; done";

    [Test]
    public async Task Processes_CreatedAndScaledInTheDashboard_RunAsAsked_AndUnderTheHoodShowsEachReplica()
    {
        var app = await Api.CreateAppAsync(PlatformApi.UniqueName("processtab"), PlatformFixture.Current.HelloImage);
        Apps.Add(app.Id);
        await Api.WaitForAsync(app.Id, app.Generation, AppStatus.Running);
        var converge = new LocatorAssertionsToHaveAttributeOptions { Timeout = (float)DashboardBrowser.ConvergeTimeout.TotalMilliseconds };

        var page = await Browser.SignedInPageAsync();
        await DashboardBrowser.GotoAsync(page, $"/apps/{app.Id}/processes");
        var web = page.Locator("section[data-process='web']");
        await Expect(web.Locator(".process-ready")).ToHaveAttributeAsync("data-ready", "1", converge);
        await Expect(web.Locator(".process-facts")).ToContainTextAsync("image CMD");

        // A worker, created in the browser: a new release of the same image.
        await page.GetByRole(AriaRole.Textbox, new() { Name = "Name", Exact = true }).FillAsync("queue");
        await page.GetByLabel("Kind", new() { Exact = true }).SelectOptionAsync("worker");
        await page.GetByRole(AriaRole.Textbox, new() { Name = "Command", Exact = true }).FillAsync(WorkingCommand);
        await page.GetByRole(AriaRole.Button, new() { Name = "Create process" }).ClickAsync();
        var worker = page.Locator("section[data-process='queue']");
        await Expect(worker.Locator(".process-tag")).ToHaveTextAsync("worker");
        await Expect(worker.Locator(".process-facts")).ToContainTextAsync("echo worker-up");
        await Expect(worker.Locator(".process-ready")).ToHaveAttributeAsync("data-ready", "1", converge);
        await Expect(worker.Locator("tr[data-replica='0']")).ToHaveAttributeAsync("data-status", "running", converge);

        // Out of range: refused at its field, and nothing changes.
        var generation = (await Api.GetAppAsync(app.Id))!.Generation;
        var replicas = page.GetByRole(AriaRole.Spinbutton, new() { Name = "Replicas of web" });
        await replicas.FillAsync("21");
        await page.GetByRole(AriaRole.Button, new() { Name = "Apply scale of web" }).ClickAsync();
        await Expect(replicas).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(web.Locator("[data-field='replicas'] .field-error")).ToContainTextAsync("between 0 and 20");
        (await Api.GetAppAsync(app.Id))!.Generation.Should().Be(generation, "a refused scale changes nothing");

        await replicas.FillAsync("2");
        await page.GetByRole(AriaRole.Button, new() { Name = "Apply scale of web" }).ClickAsync();
        await Expect(replicas).Not.ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(web.Locator(".process-ready")).ToHaveAttributeAsync("data-desired", "2");
        await Expect(web.Locator(".process-ready")).ToHaveAttributeAsync("data-ready", "2", converge);
        await Expect(web.Locator("tr[data-status='running']")).ToHaveCountAsync(2);
        await Expect(page.Locator(".toast", new() { HasText = "Scaling done: web runs 2 of 2 replicas." })).ToBeVisibleAsync(
            new() { Timeout = (float)DashboardBrowser.ConvergeTimeout.TotalMilliseconds });
        await Expect(page.Locator(".app-status .badge")).ToHaveAttributeAsync("aria-label", "Status: running", converge);
        await Screenshots.SaveAsync(page, "processes");

        // Under the hood: the worker's container and both web replicas, each named by process, replica and kind.
        await page.GetByRole(AriaRole.Link, new() { Name = "Under the hood" }).ClickAsync();
        await Expect(page.Locator(".container-card[data-process='queue'][data-kind='worker'][data-replica='0']").First).ToBeVisibleAsync(
            new() { Timeout = (float)DashboardBrowser.ConvergeTimeout.TotalMilliseconds });
        await Expect(page.Locator(".container-card[data-process='queue']").First.Locator(".process-tag")).ToHaveTextAsync("queue #0 · worker");
        await Expect(page.Locator(".container-card[data-process='web'][data-kind='web'][data-replica='1']").First).ToBeVisibleAsync();
        await Expect(page.Locator(".container-card[data-process='web'][data-kind='web'][data-replica='0']").First).ToBeVisibleAsync();
        await Expect(page.Locator(".docker-run[data-process='queue'] pre")).ToContainTextAsync("docker run");
    }
}
