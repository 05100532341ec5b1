using PersonalCloud.Reconciler.Planning;

namespace PersonalCloud.Reconciler.Tests.Planning;

public sealed class ExitReasonsTests
{
    [TestCase(137, "container killed by SIGKILL (exit code 137)")]
    [TestCase(143, "container killed by SIGTERM (exit code 143)")]
    [TestCase(139, "container killed by SIGSEGV (exit code 139)")]
    [TestCase(158, "container killed by signal 30 (exit code 158)")]
    [TestCase(1, "container exited with code 1")]
    [TestCase(128, "container exited with code 128")]
    [TestCase(255, "container exited with code 255")]
    [TestCase(null, "container exited with code unknown")]
    public void Exited_NamesTheSignalThatEndedIt(int? code, string expected) => ExitReasons.Exited(code).Should().Be(expected);
}
