using PersonalCloud.Integration.Tests.Support;

namespace PersonalCloud.Integration.Tests.Scripts;

/// <summary>
/// The systemd unit scripts/install-service.sh writes. This machine runs no systemd, so the installation itself
/// (systemctl enable --now) is not exercised here: the unit is checked by systemd's own parser, systemd-analyze verify.
/// </summary>
[Category("Integration")]
public sealed class ServiceUnitTests
{
    private string _dir = "";

    [SetUp]
    public void CreateDirectory() => _dir = Directory.CreateTempSubdirectory("pcloud-unit-").FullName;

    [TearDown]
    public void RemoveDirectory() => Directory.Delete(_dir, recursive: true);

    [Test]
    public async Task InstallServiceOutput_IsAUnitSystemdVerifies_RunningThisCheckoutsRunSh_WithCleanStopAndRestartOnFailure()
    {
        await WriteAsync(new Dictionary<string, string> { ["PCLOUD_BASE_DOMAIN"] = "apps.example.com" });
        var unit = Path.Combine(_dir, "personalcloud.service");

        var verify = await CommandRun.RunAsync("systemd-analyze", ["verify", unit], TimeSpan.FromMinutes(1));

        verify.ExitCode.Should().Be(0, verify.Output);
        verify.Output.Should().BeEmpty("systemd reads every line of the unit without a warning");
        var lines = await File.ReadAllLinesAsync(unit);
        lines.Should().Contain($"ExecStart={RepoPaths.Root}/run.sh")
            .And.Contain($"WorkingDirectory={RepoPaths.Root}")
            .And.Contain($"EnvironmentFile=-{_dir}/personalcloud.env")
            .And.Contain("StandardOutput=journal", "the console goes to journald")
            .And.Contain("Restart=on-failure")
            .And.Contain("KillMode=mixed", "SIGTERM to run.sh alone, which stops the rest in order")
            .And.Contain("SuccessExitStatus=143", "run.sh's exit after a SIGTERM is a clean stop")
            .And.Contain("After=network-online.target docker.service", "Docker is the host's own service, started first");
        lines.Should().NotContain(l => l.Contains('@'), "every placeholder is filled");
    }

    [Test]
    public async Task InstallServiceOutput_WritesTheChosenSettingsOnly_ReadableByRootOnly_QuotedForSystemd()
    {
        await WriteAsync(new Dictionary<string, string>
        {
            ["PCLOUD_BASE_DOMAIN"] = "apps.example.com",
            ["PCLOUD_DASHBOARD_PASSWORD"] = "a \"quoted\" pass phrase",
        });
        var file = Path.Combine(_dir, "personalcloud.env");

        var lines = await File.ReadAllLinesAsync(file);

        lines.Should().Contain("PCLOUD_BASE_DOMAIN=apps.example.com")
            .And.Contain("PCLOUD_DASHBOARD_PASSWORD=\"a \\\"quoted\\\" pass phrase\"");
        lines.Should().NotContain(l => l.StartsWith("PCLOUD_DATA_DIR=", StringComparison.Ordinal) || l.StartsWith("PCLOUD_API_PORT=", StringComparison.Ordinal),
            "defaults stay in scripts/env.sh, so an upgrade can change them");
        lines.Should().NotContain(l => l.StartsWith("PCLOUD_REPO_ROOT=", StringComparison.Ordinal) || l.StartsWith("PCLOUD_TEST_SLOT=", StringComparison.Ordinal));
        File.GetUnixFileMode(file).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite, "it may hold secrets");
    }

    private async Task WriteAsync(Dictionary<string, string> settings)
    {
        var result = await CommandRun.RunAsync("bash", [RepoPaths.Script("install-service.sh"), "--output", _dir], TimeSpan.FromMinutes(1), settings);
        result.ExitCode.Should().Be(0, result.Output);
    }
}
