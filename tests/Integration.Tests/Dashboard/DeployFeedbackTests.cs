using Microsoft.Playwright;
using PersonalCloud.Contracts.Apps;
using PersonalCloud.Integration.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace PersonalCloud.Integration.Tests.Platform.Dashboard;

/// <summary>The dashboard says what happened to a deploy: its stages and build log while it runs, and a failure's reason after.</summary>
[Category("Integration")]
// Alone: Chromium aborts its requests in flight whenever Docker adds or removes a network interface (FIELD-NOTES), which
// tests running beside it do all the time; a dropped click or fetch is not a navigation the harness can repeat.
[NonParallelizable]
public sealed class DeployFeedbackTests : DashboardTest
{
    private static float Converge => (float)DashboardBrowser.ConvergeTimeout.TotalMilliseconds;

    [Test]
    public async Task FailedDeploy_FromTheDashboard_ToastsWhy_AndTheOverviewShowsTheFailedReleaseBesideWhatServes()
    {
        var app = await RunningAppAsync("failedui");
        var crasher = await BehaviourImages.BuildCrashAsync(Browser.Platform.Docker);
        var page = await Browser.SignedInPageAsync();
        await DashboardBrowser.GotoAsync(page, $"/apps/{app.Id}");

        await page.GetByRole(AriaRole.Button, new() { Name = "Deploy image…" }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog, new() { Name = "Deploy an image" });
        await dialog.GetByRole(AriaRole.Textbox, new() { Name = "Image", Exact = true }).FillAsync(crasher);
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Deploy" }).ClickAsync();
        await Expect(dialog).ToBeHiddenAsync();

        // The notice reports the outcome, not only that the deploy was accepted.
        var outcome = page.Locator(".toast.tone-bad", new() { HasText = "Deploy failed" });
        await Expect(outcome).ToContainTextAsync("failed at health-checking", new() { Timeout = Converge });
        await Expect(outcome).ToContainTextAsync(BehaviourImages.CrashLine);
        var failed = (await Api.GetAppAsync(app.Id))!.LastFailedRelease!.Release;

        await Expect(page.Locator(".app-status .badge")).ToHaveAttributeAsync("aria-label", "Status: running · last deploy failed", new() { Timeout = Converge });
        var card = page.Locator(".failed-release");
        await Expect(card).ToContainTextAsync(failed.Id.ToString()[^8..]);
        await Expect(card).ToContainTextAsync(crasher);
        await Expect(card).ToContainTextAsync(ReleaseStages.HealthChecking);
        await Expect(card.Locator(".failure-reason")).ToHaveTextAsync($"container exited with code {BehaviourImages.CrashExitCode}; last log line: {BehaviourImages.CrashLine}");
        await Expect(card.Locator(".last-lines")).ToContainTextAsync(BehaviourImages.CrashLine, new() { Timeout = Converge });
        await Expect(page.Locator("section.card dl.facts")).ToContainTextAsync(Browser.Platform.HelloImage, new() { UseInnerText = true });
        await Screenshots.SaveAsync(page, "failed-deploy");

        // The audit log says the call was accepted and links how its release went.
        await page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Audit log" }).ClickAsync();
        var row = page.Locator("tr[data-audit-id]", new() { HasText = $"POST /api/apps/{app.Id}/deploy" }).First;
        await Expect(row.Locator(".badge")).ToHaveAttributeAsync("aria-label", "HTTP 202: accepted");
        await Expect(row.Locator(".release-outcome")).ToHaveTextAsync($"release {failed.Id.ToString()[^8..]}: failed");
    }

    [Test]
    public async Task SourceDeploy_ShowsItsStagesLive_WithTheBuildLogStreamingWhileItBuilds()
    {
        var app = await RunningAppAsync("progressui");
        var build = new BlockingBuild();
        var page = await Browser.SignedInPageAsync();
        await DashboardBrowser.GotoAsync(page, $"/apps/{app.Id}");

        await page.GetByRole(AriaRole.Button, new() { Name = "Upload source…" }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog, new() { Name = "Deploy from source" });
        await dialog.GetByLabel("Source tarball").SetInputFilesAsync(new FilePayload { Name = "app.tar.gz", MimeType = "application/gzip", Buffer = build.Archive() });
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Upload and build" }).ClickAsync();
        await Expect(dialog).ToBeHiddenAsync();

        // The build waits in its RUN step: the progress view shows it building, with its output so far.
        var progress = page.Locator(".deploy-progress");
        await Expect(progress.Locator(".build-log")).ToContainTextAsync(build.StartedLine, new() { Timeout = Converge });
        await Expect(progress.Locator(".progress-stage[data-stage='building']")).ToHaveAttributeAsync("data-state", "reached");
        await Expect(progress.Locator(".progress-stage[data-stage='starting']")).ToHaveAttributeAsync("data-state", "pending");
        await Expect(progress.Locator(".build-log")).Not.ToContainTextAsync(build.ReleasedLine);
        await Screenshots.SaveAsync(page, "deploy-progress-building", fullPage: false);

        await build.ReleaseAsync(Browser.Platform);
        await Expect(progress.Locator(".build-log")).ToContainTextAsync(build.ReleasedLine, new() { Timeout = Converge });
        await Expect(progress.Locator(".progress-stage[data-stage='live']")).ToHaveAttributeAsync("data-state", "reached", new() { Timeout = Converge });
        foreach (var stage in new[] { "queued", "building", "starting", "health-checking", "switching", "draining" })
            await Expect(progress.Locator($".progress-stage[data-stage='{stage}']")).ToHaveAttributeAsync("data-state", "reached");
        await Expect(page.Locator(".toast.tone-ok", new() { HasText = "is live" })).ToBeVisibleAsync(new() { Timeout = Converge });
        await Screenshots.SaveAsync(page, "deploy-progress-live", fullPage: false);
    }

    private async Task<Contracts.Api.AppResponse> RunningAppAsync(string prefix)
    {
        var app = await Api.CreateAppAsync(PlatformApi.UniqueName(prefix));
        Apps.Add(app.Id);
        var deploy = await Api.DeployAsync(app.Id, Browser.Platform.HelloImage);
        await Api.WaitForAsync(app.Id, deploy.Generation, AppStatus.Running);
        return app;
    }
}
