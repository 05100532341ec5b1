using PersonalCloud.Reconciler.Containers;
using PersonalCloud.Reconciler.Planning;
using static PersonalCloud.Reconciler.Tests.Planning.PlannerScenario;

namespace PersonalCloud.Reconciler.Tests.Planning;

/// <summary>Why a container stopped, in words: out of memory with the limit, signals by name, the last line it printed.</summary>
public sealed class ExitReasonsTests
{
    private static readonly ContainerLimits Limits = new(256L * 1024 * 1024, 0.5, 256);

    [Test]
    public void OomKill_NamesTheLimitInMegabytesAsTheApiCountsThem() =>
        ExitReasons.Describe(Container("c", "h", ContainerState.Exited, exitCode: 137) with { OomKilled = true }, Limits)
            .Should().Be("killed: out of memory (limit 256 MB)");

    [TestCase(1, "container exited with code 1")]
    [TestCase(0, "container exited with code 0 (the process ended; an app must keep running to serve)")]
    [TestCase(127, "container exited with code 127 (command not found)")]
    [TestCase(137, "container exited with code 137 (killed by SIGKILL)")]
    [TestCase(139, "container exited with code 139 (segmentation fault, SIGSEGV)")]
    [TestCase(143, "container exited with code 143 (stopped by SIGTERM)")]
    [TestCase(140, "container exited with code 140 (killed by signal 12)")]
    public void ExitCode_SaysWhatItMeans(int code, string expected) =>
        ExitReasons.Describe(Container("c", "h", ContainerState.Exited, exitCode: code), Limits).Should().Be(expected);

    [Test]
    public void LastLogLine_IsQuoted_Trimmed() =>
        ExitReasons.Describe(Container("c", "h", ContainerState.Exited, exitCode: 1) with { LastLogLine = "  FATAL: config file /etc/app.toml missing\n" }, Limits)
            .Should().Be("container exited with code 1; last log line: FATAL: config file /etc/app.toml missing");

    [Test]
    public void LastLogLine_LongerThanTheBound_IsShortened() =>
        ExitReasons.Describe(Container("c", "h", ContainerState.Exited, exitCode: 1) with { LastLogLine = new string('x', 300) }, Limits)
            .Should().EndWith(new string('x', ExitReasons.LastLineMaxChars) + "…");
}
