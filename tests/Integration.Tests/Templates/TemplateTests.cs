using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using PersonalCloud.Contracts.Api;
using PersonalCloud.Contracts.Apps;
using PersonalCloud.ControlPlane.Templates;
using PersonalCloud.Integration.Tests.Platform;

namespace PersonalCloud.Integration.Tests.Platform.Templates;

/// <summary>App templates against the real stack: a user's own template file applied end to end, and bad templates refused without a trace.</summary>
[Category("Integration")]
public sealed class TemplateTests : PlatformTest
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly List<AppResponse> _apps = [];
    private readonly List<string> _files = [];

    private string TemplatesDir => Path.Combine(Platform.DataDir, "templates");

    [TearDown]
    public async Task CleanUpAsync()
    {
        // An app with volumes is deleted only with its name as the confirmation.
        foreach (var app in _apps)
            using (await Api.Http.DeleteAsync($"/api/apps/{app.Id}?confirm={app.Name}")) { }
        foreach (var file in _files)
            File.Delete(file);
    }

    [Test]
    public async Task UserTemplateFile_CreatesAnAppThatServesWithItsEnv_AndAGeneratedSecretOfItsOwnPerApp()
    {
        var name = PlatformApi.UniqueName("tpl");
        await WriteTemplateAsync(name, $$"""
            {
              // comments are allowed in a template file
              "description": "hello with a greeting",
              "image": "{{Platform.HelloImage}}",
              "port": 8080,
              "limits": { "memoryMb": 48 },
              "healthCheck": { "path": "/" },
              "env": { "GREETING": { "value": "from-{{name}}" }, "TOKEN": { "generate": "secret", "length": 40 } }
            }
            """);

        var listed = await Api.GetAsync<IReadOnlyList<TemplateResponse>>("/api/templates");
        var mine = listed.Should().ContainSingle(t => t.Name == name).Subject;
        mine.Usable.Should().BeTrue(string.Join("; ", mine.Errors));
        mine.Source.Should().Be(Path.Combine(TemplatesDir, name + ".json"));
        mine.GeneratedEnv.Should().Equal("TOKEN");
        listed.Where(t => t.Source == TemplateCatalog.BuiltInSource).Select(t => t.Name)
            .Should().Contain(["hello", "web-worker-postgres", "files-on-a-volume"]).And.OnlyContain(n => listed.Single(t => t.Name == n).Usable);

        var first = await CreateFromAsync(PlatformApi.UniqueName("tpla"), name);
        var second = await CreateFromAsync(PlatformApi.UniqueName("tplb"), name);
        first.Image.Should().Be(Platform.HelloImage, "the template's image deploys at once");
        first.Limits.MemoryMb.Should().Be(48);

        var live = await Api.WaitForAsync(first.Id, first.Generation, AppStatus.Running);
        var (status, body) = await Api.GetThroughProxyAsync(live.GeneratedHostname);
        status.Should().Be(HttpStatusCode.OK);
        body.Should().Contain($"greeting=from-{name}", "the first release already carries the template's env");

        var firstToken = await RevealAsync(first.Id, "TOKEN");
        var secondToken = await RevealAsync(second.Id, "TOKEN");
        firstToken.Should().MatchRegex("^[A-Za-z0-9]{40}$");
        secondToken.Should().MatchRegex("^[A-Za-z0-9]{40}$").And.NotBe(firstToken, "each app gets its own secret");
        (await Api.Http.GetStringAsync("/api/templates")).Should().NotContain(firstToken, "generated values are never shown with the template");
    }

    [Test]
    public async Task BuiltInTemplates_GiveTheAppTheirProcessesVolumesAddonAndSecret_BeforeAnyDeploy()
    {
        var files = await CreateFromAsync(PlatformApi.UniqueName("tplvol"), "files-on-a-volume");
        var volume = (await Api.GetAsync<IReadOnlyList<VolumeResponse>>($"/api/apps/{files.Id}/volumes")).Should().ContainSingle().Subject;
        volume.Should().Match<VolumeResponse>(v => v.Name == "data" && v.MountPath == "/data");

        var stack = await CreateFromAsync(PlatformApi.UniqueName("tplpg"), "web-worker-postgres");
        (await Api.GetAsync<IReadOnlyList<ProcessResponse>>($"/api/apps/{stack.Id}/processes")).Select(p => (p.Name, p.Kind))
            .Should().BeEquivalentTo([("web", "web"), ("worker", "worker")]);
        (await Api.GetAsync<IReadOnlyList<AddonResponse>>($"/api/apps/{stack.Id}/addons")).Should().ContainSingle().Which.Kind.Should().Be("postgres");
        (await RevealAsync(stack.Id, "SECRET_KEY")).Should().MatchRegex("^[A-Za-z0-9]{48}$");
        stack.CurrentRelease.Should().BeNull("a template without an image waits for the first deploy");
    }

    [Test]
    public async Task UnknownOrBrokenTemplate_IsAProblemNamingTheFix_AndCreatesNothing()
    {
        var broken = PlatformApi.UniqueName("tplbad");
        await WriteTemplateAsync(broken, """{ "env": { "1BAD": { "value": "x" }, "BOTH": { "value": "x", "generate": "secret" } } }""");
        var unreadable = PlatformApi.UniqueName("tplbad");
        await WriteTemplateAsync(unreadable, """{ "imagee": "typo" }""");

        var listed = await Api.GetAsync<IReadOnlyList<TemplateResponse>>("/api/templates");
        listed.Single(t => t.Name == broken).Should().Match<TemplateResponse>(t => !t.Usable && t.Errors.Count == 2);
        listed.Single(t => t.Name == unreadable).Errors.Should().ContainSingle().Which.Should().Contain("imagee");

        foreach (var (template, expected) in new[] { ("no-such-template", "GET /api/templates lists them"), (broken, "env.1BAD"), (unreadable, "imagee") })
        {
            var appName = PlatformApi.UniqueName("tplno");
            using var response = await Api.Http.PostAsJsonAsync("/api/apps", new CreateAppRequest(appName, Template: template));
            response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
            var problem = (await response.Content.ReadFromJsonAsync<ValidationProblemDetails>(Json))!;
            problem.Errors["template"].Single().Should().Contain(expected);
            (await Api.GetAsync<IReadOnlyList<AppResponse>>("/api/apps")).Should().NotContain(a => a.Name == appName);
        }

        using var missing = await Api.Http.GetAsync("/api/templates/no-such-template");
        missing.StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    private async Task WriteTemplateAsync(string name, string json)
    {
        Directory.CreateDirectory(TemplatesDir);
        var path = Path.Combine(TemplatesDir, name + ".json");
        _files.Add(path);
        await File.WriteAllTextAsync(path, json);
    }

    private async Task<AppResponse> CreateFromAsync(string appName, string template)
    {
        using var response = await Api.Http.PostAsJsonAsync("/api/apps", new CreateAppRequest(appName, Template: template));
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var app = (await response.Content.ReadFromJsonAsync<AppResponse>(Json))!;
        _apps.Add(app);
        return app;
    }

    private async Task<string> RevealAsync(Guid appId, string key) =>
        (await Api.GetAsync<EnvValueResponse>($"/api/apps/{appId}/env/{key}")).Value;
}
