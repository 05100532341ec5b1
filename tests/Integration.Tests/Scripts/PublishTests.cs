using PersonalCloud.Integration.Tests.Support;

namespace PersonalCloud.Integration.Tests.Scripts;

/// <summary>scripts/publish.sh, which run.sh starts from: one `dotnet publish` per change of the sources, none otherwise.</summary>
[Category("Integration")]
public sealed class PublishTests
{
    private string _dir = "";

    [SetUp]
    public void CreateDirectory() => _dir = Directory.CreateTempSubdirectory("pcloud-publish-").FullName;

    [TearDown]
    public void RemoveDirectory() => Directory.Delete(_dir, recursive: true);

    [Test]
    public async Task SourceKey_ChangesWithASourceOrBuildSetting_NotWithBuildOutput()
    {
        var root = Path.Combine(_dir, "repo");
        Directory.CreateDirectory(Path.Combine(root, "src", "App", "bin"));
        Directory.CreateDirectory(Path.Combine(root, "src", "App", "obj"));
        await File.WriteAllTextAsync(Path.Combine(root, "src", "App", "Program.cs"), "return 0;");
        await File.WriteAllTextAsync(Path.Combine(root, "src", "App", "bin", "App.dll"), "built");
        await File.WriteAllTextAsync(Path.Combine(root, "Directory.Build.props"), "<Project />");
        var original = await KeyAsync(root);

        await File.WriteAllTextAsync(Path.Combine(root, "src", "App", "bin", "App.dll"), "built again");
        await File.WriteAllTextAsync(Path.Combine(root, "src", "App", "obj", "App.cache"), "cache");
        (await KeyAsync(root)).Should().Be(original, "build output is no input");

        await File.WriteAllTextAsync(Path.Combine(root, "src", "App", "Program.cs"), "return 1;");
        var changedSource = await KeyAsync(root);
        changedSource.Should().NotBe(original, "a changed source file is a new build");

        await File.WriteAllTextAsync(Path.Combine(root, "Directory.Build.props"), "<Project><PropertyGroup /></Project>");
        (await KeyAsync(root)).Should().NotBe(changedSource, "a changed build setting is a new build");
    }

    [Test]
    public async Task Publish_OfUnchangedSources_ReusesThePublishedBuild()
    {
        var environment = new Dictionary<string, string> { ["PCLOUD_DATA_DIR"] = _dir, ["PCLOUD_REPO_ROOT"] = RepoPaths.Root };
        var first = await PublishAsync(environment);
        var controlPlane = Value(first.Output, "PCLOUD_CONTROLPLANE_DLL");
        var reconciler = Value(first.Output, "PCLOUD_RECONCILER_DLL");
        controlPlane.Should().StartWith(Path.Combine(_dir, "platform") + "/");
        File.Exists(controlPlane).Should().BeTrue(first.Output);
        File.Exists(reconciler).Should().BeTrue(first.Output);
        File.Exists(Path.Combine(Path.GetDirectoryName(controlPlane)!, "Dashboard", "wwwroot", "index.html")).Should().BeTrue("the dashboard's files are published with it");
        var publishedAt = File.GetLastWriteTimeUtc(controlPlane);

        var second = await PublishAsync(environment);

        second.Output.Should().Contain("sources unchanged");
        Value(second.Output, "PCLOUD_CONTROLPLANE_DLL").Should().Be(controlPlane);
        File.GetLastWriteTimeUtc(controlPlane).Should().Be(publishedAt, "nothing was published again");
    }

    private static async Task<CommandResult> PublishAsync(Dictionary<string, string> environment)
    {
        var result = await CommandRun.RunAsync("bash", [RepoPaths.Script("publish.sh")], TimeSpan.FromMinutes(10), environment);
        result.ExitCode.Should().Be(0, result.Output);
        return result;
    }

    private static string Value(string output, string name) =>
        output.Split('\n').Single(l => l.StartsWith(name + "=", StringComparison.Ordinal))[(name.Length + 1)..].Trim();

    private static async Task<string> KeyAsync(string root)
    {
        var result = await CommandRun.RunAsync("bash", ["-c", $"source '{RepoPaths.Script("publish.sh")}' && pcloud_source_key"], TimeSpan.FromMinutes(1),
            new Dictionary<string, string> { ["PCLOUD_REPO_ROOT"] = root });
        result.ExitCode.Should().Be(0, result.Output);
        return result.Output.Trim();
    }
}
