using PersonalCloud.Reconciler.Builds;

namespace PersonalCloud.Reconciler.Tests.Builds;

public sealed class BuildFailureReasonTests
{
    private static readonly BuildOptions Defaults = new();

    [Test]
    public void Explain_ProcessesRefused_NamesTheLimitAndItsSetting() =>
        BuildFailureReason.Explain("returned a non-zero code: 2", Defaults, processesRefused: true, timedOut: false)
            .Should().Contain("at most 512 processes").And.Contain("PCLOUD_BUILD_PIDS");

    [Test]
    public void Explain_KilledStep_PointsAtTheMemoryLimit() =>
        BuildFailureReason.Explain("The command '/bin/sh -c x' returned a non-zero code: 137", Defaults, false, false)
            .Should().Contain("at most 1024 MB").And.Contain("PCLOUD_BUILD_MEMORY_MB");

    [Test]
    public void Explain_TimedOut_NamesTheTimeoutSetting() =>
        BuildFailureReason.Explain("the build did not finish within 10 minutes", Defaults, false, timedOut: true)
            .Should().Contain("PCLOUD_BUILD_TIMEOUT_MINUTES");

    [Test]
    public void Explain_AnyOtherFailure_IsTheReasonAsItIs() =>
        BuildFailureReason.Explain("unknown instruction: FORM", Defaults, false, false).Should().Be("unknown instruction: FORM");

    [TestCase("/bin/sh: can't fork: Resource temporarily unavailable", true)]
    [TestCase("bash: fork: retry: Resource temporarily unavailable", true)]
    [TestCase("npm ERR! network timeout", false)]
    public void MentionsForkRefused_ReadsWhatShellsPrint(string log, bool refused) =>
        BuildFailureReason.MentionsForkRefused(log).Should().Be(refused);
}
