using PersonalCloud.Reconciler.Builds;

namespace PersonalCloud.Reconciler.Tests.Builds;

public sealed class BuildLogTests
{
    [Test]
    public void Append_JoinsChunksAsTheEngineSendsThem()
    {
        var log = new BuildLog();

        log.Report("Step 1/2 : FROM scratch");
        log.Report("\n");
        log.Report(" ---> \n");

        log.ToString().Should().Be("Step 1/2 : FROM scratch\n ---> \n");
        log.LastLine().Should().Be("--->");
    }

    [Test]
    public void Append_BeyondTheBound_KeepsTheLastCharactersAndSaysSo()
    {
        var log = new BuildLog(maxChars: 10);

        for (var i = 0; i < 100; i++)
            log.Append($"{i % 10}");

        log.ToString().Should().Be(BuildLog.TruncatedMarker + "0123456789");
    }

    [Test]
    public void Append_WithinTheBound_HasNoMarker()
    {
        var log = new BuildLog(maxChars: 10);

        log.Append("0123456789");

        log.ToString().Should().Be("0123456789");
    }

    [Test]
    public void Append_DropsNulCharacters_WhichPostgresTextCannotHold()
    {
        var log = new BuildLog();

        log.Append("a\0b");

        log.ToString().Should().Be("ab");
    }

    [Test]
    public void LastLine_OfAnEmptyLog_IsNull() => new BuildLog().LastLine().Should().BeNull();

    [Test]
    public void TotalChars_CountsEverythingPrinted_EvenWhatIsNoLongerKept()
    {
        var log = new BuildLog(maxChars: 10);

        for (var i = 0; i < 100; i++)
            log.Append($"{i % 10}");
        log.Append("a\0b");

        var snapshot = log.Snapshot();
        snapshot.TotalChars.Should().Be(102, "NUL is dropped before it is counted");
        snapshot.Text.Should().Be(BuildLog.TruncatedMarker + "23456789ab");
        log.TotalChars.Should().Be(102);
    }
}
