using Microsoft.Playwright;
using PersonalCloud.Contracts.Api;
using PersonalCloud.Contracts.Apps;
using static Microsoft.Playwright.Assertions;

namespace PersonalCloud.Integration.Tests.Platform.Dashboard;

/// <summary>"New app from template" in the create dialog: the chosen template's description is shown, and the app is made from it.</summary>
[Category("Integration")]
// Alone: Chromium aborts its requests in flight whenever Docker adds or removes a network interface (FIELD-NOTES), which
// tests running beside it do all the time; a dropped click or fetch is not a navigation the harness can repeat.
[NonParallelizable]
public sealed class TemplateDialogTests : DashboardTest
{
    [Test]
    public async Task CreateDialog_OffersTheTemplates_AndMakesTheAppFromTheChosenOne()
    {
        var template = PlatformApi.UniqueName("dashtpl");
        var file = Path.Combine(PlatformFixture.Current.DataDir, "templates", template + ".json");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        await File.WriteAllTextAsync(file, $$"""
            { "description": "Hello from the dashboard's template.", "image": "{{PlatformFixture.Current.HelloImage}}", "port": 8080,
              "env": { "API_KEY": { "generate": "secret" } } }
            """);
        try
        {
            var page = await Browser.SignedInPageAsync();
            await DashboardBrowser.GotoAsync(page, "/apps/new");
            var dialog = page.GetByRole(AriaRole.Dialog, new() { Name = "Create an app" });
            var name = PlatformApi.UniqueName("fromtpl");
            await dialog.GetByRole(AriaRole.Textbox, new() { Name = "Name", Exact = true }).FillAsync(name);
            await dialog.GetByRole(AriaRole.Combobox, new() { Name = "Template (optional)" }).SelectOptionAsync(template);
            await Expect(dialog.Locator(".template-about")).ToHaveTextAsync("Hello from the dashboard's template. Generates API_KEY for this app.");
            await Screenshots.SaveAsync(page, "create-from-template", fullPage: false);
            await dialog.GetByRole(AriaRole.Button, new() { Name = "Create app" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = name, Exact = true })).ToBeVisibleAsync();
            var appId = DashboardBrowser.AppIdFrom(page);
            Apps.Add(appId);

            var app = (await Api.GetAppAsync(appId))!;
            app.Image.Should().Be(PlatformFixture.Current.HelloImage, "the template's image deploys at once");
            (await Api.GetAsync<IReadOnlyList<EnvVarResponse>>($"/api/apps/{appId}/env")).Select(e => e.Key).Should().Equal("API_KEY");
            await Api.WaitForAsync(appId, app.Generation, AppStatus.Running);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
