using PersonalCloud.Contracts.Logs;
using PersonalCloud.ControlPlane.Releases;

namespace PersonalCloud.ControlPlane.Tests.Releases;

/// <summary>What a live reader of a build log gets next, from the stored tail and the count of characters printed.</summary>
public sealed class BuildLogDeltaTests
{
    [Test]
    public void NothingNew_IsNone() => BuildLogDelta.Next("", 120, 120).Should().Be(BuildLogDelta.None);

    [Test]
    public void NewOutput_IsAppended() =>
        BuildLogDelta.Next("Step 2/3\n", 30, 21).Should().Be(new BuildLogDelta("Step 2/3\n", Reset: false));

    [Test]
    public void MoreFetchedThanNeeded_TakesOnlyTheNewEnd() =>
        BuildLogDelta.Next("old tail + new", 100, 97).Should().Be(new BuildLogDelta("new", Reset: false));

    [Test]
    public void ReaderBehindTheKeptTail_StartsOverWithWhatIsKept()
    {
        var kept = BuildLogs.DroppedMarker + "the last part";

        BuildLogDelta.Next(kept, BuildLogs.MaxKeptChars + 500L, 10).Should().Be(new BuildLogDelta(kept, Reset: true));
    }

    [Test]
    public void StoredLogShorterThanWhatIsMissing_StartsOver() =>
        BuildLogDelta.Next("short", 50, 10).Should().Be(new BuildLogDelta("short", Reset: true));

    [Test]
    public void BuildStartedAgain_WithFewerCharactersThanTheReaderHad_StartsOver() =>
        BuildLogDelta.Next("Cloning into 'src'...\n", 22, 4000).Should().Be(new BuildLogDelta("Cloning into 'src'...\n", Reset: true));
}
