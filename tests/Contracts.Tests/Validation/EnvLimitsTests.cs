using PersonalCloud.Contracts.Validation;

namespace PersonalCloud.Contracts.Tests.Validation;

public sealed class EnvLimitsTests
{
    private static readonly IReadOnlyDictionary<string, int> None = new Dictionary<string, int>();

    [Test]
    public void CaseClashInRequest_PathAndPATH_NamesBoth() =>
        EnvLimits.CaseClashInRequest(["path", "HOME", "PATH"]).Should().Contain("'PATH' and 'path' differ only by case");

    [Test]
    public void CaseClashInRequest_DistinctNames_IsNull() => EnvLimits.CaseClashInRequest(["PATH", "HOME", "path_extra"]).Should().BeNull();

    [Test]
    public void CaseTwin_SettingPathWhilePATHIsStored_NamesTheStoredOne() =>
        EnvLimits.CaseTwin("path", ["PATH", "HOME"], Change(("path", "/bin"))).Should().Be("PATH");

    [Test]
    public void CaseTwin_WhenTheSameChangeRemovesTheStoredOne_IsARename() =>
        EnvLimits.CaseTwin("path", ["PATH"], Change(("PATH", null), ("path", "/bin"))).Should().BeNull();

    [Test]
    public void CaseTwin_SameNameAgain_IsAnUpdate() => EnvLimits.CaseTwin("PATH", ["PATH"], Change(("PATH", "/bin"))).Should().BeNull();

    [Test]
    public void EntryBytes_CountsNameEqualsValueAndNul() => EnvLimits.EntryBytes("KEY", 5).Should().Be(3 + 1 + 5 + 1);

    [Test]
    public void Apply_SetsReplacesAndRemoves()
    {
        var stored = new Dictionary<string, int> { ["A"] = 10, ["B"] = 20 };
        EnvLimits.Apply(stored, Change(("A", null), ("B", "xy"), ("C", "ü"))).Should().BeEquivalentTo(new Dictionary<string, int> { ["B"] = 2, ["C"] = 2 });
    }

    [Test]
    public void Totals_OneVariableMoreThanTheCountCap_IsRefusedNamingTheCap()
    {
        var before = EnvSize.Of(Sizes(EnvLimits.MaxCount, 1));
        var after = EnvSize.Of(Sizes(EnvLimits.MaxCount + 1, 1));
        EnvLimits.Totals(before, after).Should().Contain($"at most {EnvLimits.MaxCount} environment variables").And.Contain($"{EnvLimits.MaxCount + 1}");
    }

    [Test]
    public void Totals_AHundredValuesOf32KiB_IsRefusedNamingTheTotalCap()
    {
        var after = EnvSize.Of(Sizes(100, EnvLimits.MaxValueBytes));
        EnvLimits.Totals(EnvSize.Of(None), after).Should().Contain($"at most {EnvLimits.MaxTotalBytes} bytes");
    }

    [Test]
    public void Totals_UpToTheCaps_IsAccepted()
    {
        EnvLimits.Totals(EnvSize.Of(None), EnvSize.Of(Sizes(EnvLimits.MaxCount, 1))).Should().BeNull();
        EnvLimits.Totals(EnvSize.Of(None), new EnvSize(1, EnvLimits.MaxTotalBytes)).Should().BeNull();
    }

    [Test]
    public void Totals_AlreadyOverACap_MayShrinkButNotGrow()
    {
        var over = new EnvSize(EnvLimits.MaxCount + 5, EnvLimits.MaxTotalBytes + 100);
        EnvLimits.Totals(over, over with { Count = over.Count - 1, Bytes = over.Bytes - 10 }).Should().BeNull();
        EnvLimits.Totals(over, over with { Bytes = over.Bytes + 1 }).Should().NotBeNull();
    }

    [Test]
    public void Caps_StayFarBelowWhatTheKernelTakes()
    {
        // execve refuses more than ~2 MiB of arguments and environment, and any one string above 128 KiB.
        EnvLimits.MaxTotalBytes.Should().BeLessThan(2 * 1024 * 1024 / 8);
        EnvLimits.MaxValueBytes.Should().BeLessThan(128 * 1024);
    }

    private static Dictionary<string, string?> Change(params (string Key, string? Value)[] vars) => vars.ToDictionary(v => v.Key, v => v.Value);

    private static Dictionary<string, int> Sizes(int count, int valueBytes) => Enumerable.Range(0, count).ToDictionary(i => $"VAR_{i}", _ => valueBytes);
}
