using PersonalCloud.Contracts.Apps;
using PersonalCloud.ControlPlane.Releases;

namespace PersonalCloud.ControlPlane.Tests.Releases;

/// <summary>A release's stages and where it stands, as the API reports them.</summary>
public sealed class ReleaseRowTests
{
    private static readonly DateTime Created = new(2026, 12, 1, 10, 0, 0, DateTimeKind.Utc);

    private static ReleaseRow Row(string status, params (string Stage, int Second)[] stages) => new()
    {
        Id = Guid.NewGuid(),
        Status = status,
        CreatedAt = Created,
        StageNames = stages.Select(s => s.Stage).ToArray(),
        StageAts = stages.Select(s => Created.AddSeconds(s.Second)).ToArray(),
    };

    [Test]
    public void Stages_StartWithQueuedAtCreation_AndFollowTheStageOrder()
    {
        // Recorded in the same instant, read back in any order: the stage order decides.
        var row = Row(ReleaseStatus.Active, (ReleaseStages.Live, 3), (ReleaseStages.Starting, 1), (ReleaseStages.Switching, 3), (ReleaseStages.HealthChecking, 1));

        row.Stages().Select(s => s.Name).Should().Equal(ReleaseStages.Queued, ReleaseStages.Starting, ReleaseStages.HealthChecking, ReleaseStages.Switching, ReleaseStages.Live);
        row.Stages()[0].At.Should().Be(new DateTimeOffset(Created));
        row.Stage().Should().Be(ReleaseStages.Live);
    }

    [Test]
    public void Stage_OfAQueuedRelease_IsQueued() => Row(ReleaseStatus.Pending).Stage().Should().Be(ReleaseStages.Queued);

    [Test]
    public void Stage_OfAFailedOrCancelledRelease_SaysSo()
    {
        Row(ReleaseStatus.Failed, (ReleaseStages.Building, 1)).Stage().Should().Be(ReleaseStatus.Failed);
        Row(ReleaseStatus.Cancelled, (ReleaseStages.Starting, 1)).Stage().Should().Be(ReleaseStatus.Cancelled);
    }

    [Test]
    public void ToResponse_NamesTheImageReferenceDigestAndGitSource()
    {
        var row = Row(ReleaseStatus.Active) with
        {
            Image = "pcloud-build/web:1a2b", ImageDigest = "sha256:" + new string('c', 64), SourceKind = ReleaseSources.Git,
            GitUrl = "https://user:***@git.example/web.git", GitRef = "main", GitCommit = new string('d', 40), GitUrlSealed = "pcv1.secret",
        };

        var response = row.ToResponse();

        response.Image.Should().Be("pcloud-build/web:1a2b");
        response.ImageDigest.Should().StartWith("sha256:");
        (response.GitUrl, response.GitRef, response.GitCommit).Should().Be(("https://user:***@git.example/web.git", "main", new string('d', 40)));
        System.Text.Json.JsonSerializer.Serialize(response).Should().NotContain("pcv1.secret");
    }

    [TestCase(ReleaseStages.Live, ReleaseStatus.Active, true)]
    [TestCase(ReleaseStages.Draining, ReleaseStatus.Active, false)]
    [TestCase(ReleaseStages.Building, ReleaseStatus.Building, false)]
    [TestCase(ReleaseStatus.Failed, ReleaseStatus.Failed, true)]
    [TestCase(ReleaseStatus.Cancelled, ReleaseStatus.Cancelled, true)]
    [TestCase(ReleaseStages.Queued, ReleaseStatus.Superseded, true)]
    public void ProgressStream_EndsOnceTheReleaseSettles(string stage, string status, bool settled) =>
        ReleaseProgressStreamer.Settled(stage, status).Should().Be(settled);
}
