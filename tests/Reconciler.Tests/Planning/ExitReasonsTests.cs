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
    [TestCase(128, "container exited with code 128")]
    [TestCase(137, "container killed by SIGKILL (exit code 137)")]
    [TestCase(139, "container killed by SIGSEGV (exit code 139)")]
    [TestCase(143, "container killed by SIGTERM (exit code 143)")]
    [TestCase(158, "container killed by signal 30 (exit code 158)")]
    [TestCase(255, "container exited with code 255")]
    [TestCase(null, "container exited with an unknown code")]
    public void ExitCode_SaysWhatItMeans(int? code, string expected)
    {
        ExitReasons.Exited(code).Should().Be(expected);
        ExitReasons.Describe(Container("c", "h", ContainerState.Exited, exitCode: code), Limits).Should().Be(expected);
    }

    [Test]
    public void LastLogLine_IsQuoted_Trimmed() =>
        ExitReasons.Describe(Container("c", "h", ContainerState.Exited, exitCode: 1) with { LastLogLine = "  FATAL: config file /etc/app.toml missing\n" }, Limits)
            .Should().Be("container exited with code 1; last log line: FATAL: config file /etc/app.toml missing");

    [Test]
    public void LastLogLine_LongerThanTheBound_IsShortened() =>
        ExitReasons.Describe(Container("c", "h", ContainerState.Exited, exitCode: 1) with { LastLogLine = new string('x', 300) }, Limits)
            .Should().EndWith(new string('x', ExitReasons.LastLineMaxChars) + "…");
}
