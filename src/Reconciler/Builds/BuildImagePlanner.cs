using PersonalCloud.Contracts.Apps;
using PersonalCloud.Reconciler.Containers;

namespace PersonalCloud.Reconciler.Builds;

/// <summary>A release as image collection sees it: the image it runs (its digest once resolved, else its tag) and its status.</summary>
public sealed record ReleaseImageUse(Guid Id, string Image, string? ImageDigest, string Status);

/// <summary>An app that exists: the release serving, the one wanted, and all its releases newest first.</summary>
public sealed record AppImageUses(Guid AppId, Guid? ServingReleaseId, Guid? DesiredReleaseId, IReadOnlyList<ReleaseImageUse> ReleasesNewestFirst);

public sealed record UnneededImage(BuiltImage Image, string Reason);

/// <summary>
/// Which images built from source are no longer needed. Kept per app: the images of the serving release, of the
/// wanted release and of releases still on their way (pending, building), and the <c>keep</c> most recent distinct
/// images its releases ran; everything else goes, and every image of a deleted app. No I/O.
/// </summary>
public static class BuildImagePlanner
{
    public static IReadOnlyList<UnneededImage> Unneeded(IReadOnlyList<BuiltImage> images, IReadOnlyDictionary<Guid, AppImageUses> apps, int keep)
    {
        var unneeded = new List<UnneededImage>();
        foreach (var group in images.GroupBy(i => i.AppId))
        {
            if (!apps.TryGetValue(group.Key, out var app))
            {
                unneeded.AddRange(group.Select(i => new UnneededImage(i, "its app was deleted")));
                continue;
            }

            var owned = group.ToList();
            var needed = Needed(owned, app, keep);
            unneeded.AddRange(owned.Where(i => !needed.Contains(i.Id)).Select(i => new UnneededImage(i,
                $"no release serving, wanted or in progress runs it, and it is older than the app's {keep} most recent build images")));
        }

        return unneeded;
    }

    private static HashSet<string> Needed(IReadOnlyList<BuiltImage> owned, AppImageUses app, int keep)
    {
        var needed = new HashSet<string>(StringComparer.Ordinal);
        var newestFirst = new List<string>();
        foreach (var release in app.ReleasesNewestFirst)
        {
            if (ImageOf(release, owned) is not { } image)
                continue;
            if (!newestFirst.Contains(image.Id))
                newestFirst.Add(image.Id);
            if (release.Id == app.ServingReleaseId || release.Id == app.DesiredReleaseId || release.Status is ReleaseStatus.Pending or ReleaseStatus.Building)
                needed.Add(image.Id);
        }

        needed.UnionWith(newestFirst.Take(keep));
        return needed;
    }

    /// <summary>By digest once the release has one; before that by the tag its build writes, or the release that built it.</summary>
    private static BuiltImage? ImageOf(ReleaseImageUse release, IReadOnlyList<BuiltImage> owned) =>
        release.ImageDigest is { } digest
            ? owned.FirstOrDefault(i => i.Id == digest)
            : owned.FirstOrDefault(i => i.ReleaseId == release.Id || i.Tags.Contains(release.Image));
}
