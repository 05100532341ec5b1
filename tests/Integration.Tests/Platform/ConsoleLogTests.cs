using System.Text.RegularExpressions;
using PersonalCloud.Integration.Tests.Support;

namespace PersonalCloud.Integration.Tests.Platform;

/// <summary>
/// What the platform's processes print (run.sh's console, logs/*.log): at most one line per HTTP request, by default
/// only for changes and errors (the dashboard's polling reads print nothing), and a UTC timestamp on every line.
/// </summary>
[Category("Integration")]
// Alone: it counts the lines the shared ControlPlane prints, which other tests' requests would add to.
[NonParallelizable]
public sealed partial class ConsoleLogTests : PlatformTest
{
    private static readonly TimeSpan LogTimeout = TimeSpan.FromSeconds(30);

    [Test]
    public async Task ControlPlane_PrintsOneLinePerChangeOrError_NoneForReads_EachWithItsTime()
    {
        var log = LogPath("controlplane.log");
        var start = new FileInfo(log).Length;
        var missing = Guid.NewGuid();
        for (var i = 0; i < 10; i++)
            (await Api.Http.GetAsync("/api/apps")).EnsureSuccessStatusCode();
        for (var i = 0; i < 3; i++)
            await Api.Http.GetAsync($"/api/apps/{missing}");
        await Api.CreateAppAsync(PlatformApi.UniqueName("reqlog"));

        IReadOnlyList<string> lines = [];
        await Eventually.UntilAsync(() => Task.FromResult((lines = LinesSince(log, start)).Any(l => l.Contains("POST /api/apps 201", StringComparison.Ordinal))),
            LogTimeout, () => $"the create's line is in controlplane.log (new lines: {string.Join('\n', lines)})");

        lines.Count(l => l.Contains($"GET /api/apps/{missing} 404 in ", StringComparison.Ordinal)).Should().Be(3, "one line per failed request");
        lines.Count(l => l.Contains(missing.ToString(), StringComparison.Ordinal)).Should().Be(3, "and no other line about it");
        lines.Count(l => l.Contains("POST /api/apps", StringComparison.Ordinal)).Should().Be(1, "one line per change");
        lines.Should().NotContain(l => l.Contains("GET /api/apps 200", StringComparison.Ordinal), "a successful read prints nothing by default");
        lines.Should().OnlyContain(l => Timestamped().IsMatch(l), "every line starts with its UTC time");
    }

    [TestCase("reconciler.log")]
    [TestCase("route-dns.log")]
    [TestCase("controlplane.log")]
    public void EveryLineOfAProcess_StartsWithItsUtcTime(string file)
    {
        var lines = LinesSince(LogPath(file), 0);

        lines.Should().NotBeEmpty();
        lines.Where(l => !Timestamped().IsMatch(l)).Should().BeEmpty($"every line of {file} starts with its UTC date and time");
    }

    private string LogPath(string file) => Path.Combine(Platform.DataDir, "logs", file);

    private static List<string> LinesSince(string path, long offset)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        stream.Position = Math.Min(offset, stream.Length);
        return new StreamReader(stream).ReadToEnd().Split('\n').Where(l => l.Length > 0).ToList();
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z (trce|dbug|info|warn|fail|crit): ")]
    private static partial Regex Timestamped();
}
