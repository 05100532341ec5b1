using PersonalCloud.Contracts.Apps;
using PersonalCloud.Reconciler.Builds;
using PersonalCloud.Reconciler.Containers;

namespace PersonalCloud.Reconciler.Tests.Builds;

/// <summary>Which build images go: scenarios of one app's releases (newest first) and the images the engine holds.</summary>
public sealed class BuildImagePlannerTests
{
    private static readonly Guid App = Guid.Parse("00000000-0000-0000-0000-00000000000a");
    private static readonly Guid Other = Guid.Parse("00000000-0000-0000-0000-00000000000b");

    [Test]
    public void DeletedApp_AllItsImagesGo_OtherAppsUntouched()
    {
        var (images, releases) = Built(3);
        var otherImage = new BuiltImage("sha256:other", Other, Guid.NewGuid(), ["pcloud-build/other:1"]);

        var unneeded = Plan([.. images, otherImage], keep: 3, apps: [Uses(Other, releases: [Release(otherImage)], serving: otherImage.ReleaseId)]);

        unneeded.Select(u => u.Image).Should().BeEquivalentTo(images);
        unneeded.Should().OnlyContain(u => u.Reason == "its app was deleted");
    }

    [Test]
    public void LiveApp_KeepsItsMostRecentImages_RemovesOlderOnes()
    {
        var (images, releases) = Built(5);

        var unneeded = Plan(images, keep: 3, apps: [Uses(App, releases, serving: releases[0].Id)]);

        unneeded.Select(u => u.Image.Id).Should().BeEquivalentTo([images[3].Id, images[4].Id], "the three newest stay");
    }

    [Test]
    public void ServingRelease_OlderThanTheMostRecent_KeepsItsImage()
    {
        var (images, releases) = Built(5);

        var unneeded = Plan(images, keep: 2, apps: [Uses(App, releases, serving: releases[4].Id)]);

        unneeded.Select(u => u.Image.Id).Should().BeEquivalentTo([images[2].Id, images[3].Id], "the oldest serves (a rollback), the two newest are recent");
    }

    [Test]
    public void EnvChangesAndRollbacks_ShareTheirImage_CountedOnce()
    {
        var (images, releases) = Built(3);
        // Newest first: two env changes of the newest build and a rollback to the oldest, all by digest.
        List<ReleaseImageUse> all = [releases[2] with { Id = Guid.NewGuid() }, releases[0] with { Id = Guid.NewGuid() }, releases[0] with { Id = Guid.NewGuid() }, .. releases];

        var unneeded = Plan(images, keep: 2, apps: [Uses(App, all, serving: all[0].Id)]);

        unneeded.Select(u => u.Image.Id).Should().BeEquivalentTo([images[1].Id], "the two distinct images run last stay; the middle one goes");
    }

    [TestCase(ReleaseStatus.Pending)]
    [TestCase(ReleaseStatus.Building)]
    public void ReleaseOnItsWay_WithoutADigestYet_KeepsTheImageItsBuildWrote(string status)
    {
        var (images, releases) = Built(3);
        var building = releases[2] with { ImageDigest = null, Status = status };
        List<ReleaseImageUse> all = [releases[0], releases[1], building];

        var unneeded = Plan(images, keep: 1, apps: [Uses(App, all, serving: releases[0].Id)]);

        unneeded.Select(u => u.Image.Id).Should().BeEquivalentTo([images[1].Id]);
    }

    [Test]
    public void WantedRelease_KeepsItsImage_EvenWhenFailedAndOld()
    {
        var (images, releases) = Built(3);
        List<ReleaseImageUse> all = [releases[0], releases[1], releases[2] with { Status = ReleaseStatus.Failed }];

        var unneeded = Plan(images, keep: 0, apps: [Uses(App, all, serving: releases[0].Id, wanted: releases[2].Id)]);

        unneeded.Select(u => u.Image.Id).Should().BeEquivalentTo([images[1].Id], "keep 0: only the serving and the wanted one stay");
    }

    [Test]
    public void ImageNoReleaseRuns_Goes()
    {
        var (images, releases) = Built(2);
        var stray = new BuiltImage("sha256:stray", App, Guid.NewGuid(), ["pcloud-build/app:stray"]);

        var unneeded = Plan([.. images, stray], keep: 3, apps: [Uses(App, releases, serving: releases[0].Id)]);

        unneeded.Select(u => u.Image.Id).Should().Equal(stray.Id);
    }

    [Test]
    public void ImageReleases_WhoseImagesAreNotBuilt_AreNotCounted()
    {
        var (images, releases) = Built(3);
        var pulled = new ReleaseImageUse(Guid.NewGuid(), "nginx:1", "sha256:pulled", ReleaseStatus.Active);
        List<ReleaseImageUse> all = [pulled, pulled with { Id = Guid.NewGuid() }, .. releases];

        var unneeded = Plan(images, keep: 2, apps: [Uses(App, all, serving: pulled.Id)]);

        unneeded.Select(u => u.Image.Id).Should().Equal(images[2].Id);
    }

    private static IReadOnlyList<UnneededImage> Plan(IReadOnlyList<BuiltImage> images, int keep, IReadOnlyList<AppImageUses> apps) =>
        BuildImagePlanner.Unneeded(images, apps.ToDictionary(a => a.AppId), keep);

    /// <summary>N source releases of the app, each with its own image; both lists newest first.</summary>
    private static (List<BuiltImage> Images, List<ReleaseImageUse> Releases) Built(int count)
    {
        var images = Enumerable.Range(0, count)
            .Select(n => new BuiltImage($"sha256:{count - n:x64}", App, Guid.NewGuid(), [$"pcloud-build/app:{count - n}"]))
            .ToList();
        return (images, images.Select(i => Release(i) with { Status = ReleaseStatus.Superseded }).ToList());
    }

    private static ReleaseImageUse Release(BuiltImage image) => new(image.ReleaseId!.Value, image.Tags[0], image.Id, ReleaseStatus.Active);

    private static AppImageUses Uses(Guid app, IReadOnlyList<ReleaseImageUse> releases, Guid? serving, Guid? wanted = null) =>
        new(app, serving, wanted ?? serving, releases);
}
