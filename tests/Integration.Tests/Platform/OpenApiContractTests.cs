using System.Text.Json;
using PersonalCloud.Integration.Tests.Support;

namespace PersonalCloud.Integration.Tests.Platform;

/// <summary>
/// The OpenAPI document is a contract a user's tools can rely on: it passes Redocly's recommended rules and Spectral's
/// OpenAPI rules with zero errors, and a TypeScript client generated from it compiles under tsc --strict and works
/// against the running platform. The tools are npm packages pinned in tests/ApiClient (installed by test.sh).
/// </summary>
[Category("Integration")]
public sealed class OpenApiContractTests : PlatformTest
{
    private static readonly TimeSpan ToolTimeout = TimeSpan.FromMinutes(3);
    private static string ClientDir => Path.Combine(RepoPaths.Root, "tests", "ApiClient");
    private static string DocumentPath => Path.Combine(RepoPaths.Root, "TestResults", "pcloud", "openapi.json");

    [OneTimeSetUp]
    public async Task SaveTheDocumentAsync()
    {
        File.Exists(Path.Combine(ClientDir, "node_modules", ".bin", "tsc")).Should().BeTrue("test.sh installs tests/ApiClient's npm packages");
        using var anonymous = new HttpClient { BaseAddress = PlatformFixture.Current.Api.BaseAddress };
        var document = await anonymous.GetStringAsync("/openapi/v1.json");
        Directory.CreateDirectory(Path.GetDirectoryName(DocumentPath)!);
        await File.WriteAllTextAsync(DocumentPath, document);
    }

    [Test]
    public async Task Document_PassesRedoclysRecommendedRules_WithNoErrors()
    {
        var lint = await NpmAsync("run", "lint:redocly", "--", DocumentPath);
        lint.ExitCode.Should().Be(0, lint.Output);
        lint.Output.Should().Contain("Woohoo! Your API description is valid.", lint.Output);
    }

    [Test]
    public async Task Document_PassesSpectralsOpenApiRules_WithNoErrors()
    {
        var lint = await NpmAsync("run", "lint:spectral", "--", DocumentPath);
        lint.ExitCode.Should().Be(0, lint.Output);
        lint.Output.Should().NotContain(" error ", lint.Output);
    }

    [Test]
    public async Task GeneratedClient_CompilesStrict_AndCreatesDeploysReadsLogsDeletes_AndGetsA404AsATypedProblem()
    {
        var generate = await NpmAsync("run", "generate", "--", DocumentPath, "-o", Path.Combine("src", "generated", "schema.ts"));
        generate.ExitCode.Should().Be(0, generate.Output);
        var build = await NpmAsync("run", "build");
        build.ExitCode.Should().Be(0, build.Output);

        var name = PlatformApi.UniqueName("openapi-client");
        var run = await CommandRun.RunAsync("node", [Path.Combine(ClientDir, "dist", "client.js")], ToolTimeout, new Dictionary<string, string>
        {
            ["PCLOUD_URL"] = PlatformFixture.Current.Api.BaseAddress!.ToString().TrimEnd('/'),
            ["PCLOUD_TOKEN"] = Platform.ApiToken,
            ["PCLOUD_IMAGE"] = Platform.HelloImage,
            ["PCLOUD_APP"] = name,
        });
        run.ExitCode.Should().Be(0, run.Output);

        var seen = JsonDocument.Parse(run.Output.Trim().Split('\n')[^1]).RootElement;
        seen.GetProperty("created").GetString().Should().Be(name);
        seen.GetProperty("status").GetString().Should().Be("running");
        seen.GetProperty("releaseImage").GetString().Should().Be(Platform.HelloImage);
        seen.GetProperty("deletedStatus").GetInt32().Should().Be(202);
        seen.GetProperty("notFound").GetProperty("status").GetInt32().Should().Be(404);
        seen.GetProperty("notFound").GetProperty("type").GetString().Should().EndWith("/not-found");
        (await Api.GetAsync<IReadOnlyList<Contracts.Api.AppResponse>>("/api/apps")).Should().NotContain(a => a.Name == name, "the client deleted it");
    }

    private static Task<CommandResult> NpmAsync(params string[] arguments) =>
        CommandRun.RunAsync("npm", ["--prefix", ClientDir, "--silent", .. arguments], ToolTimeout);
}
