using PersonalCloud.Contracts.Apps;
using PersonalCloud.Reconciler.Containers;
using PersonalCloud.Reconciler.Desired;

namespace PersonalCloud.Reconciler.Builds;

/// <summary>
/// Image releases resolve through the engine; source releases are built once, on the <see cref="BuildQueue"/>, never
/// inside a pass. Once a digest is recorded, that digest is what runs; a built tag found in the engine (a pass that failed
/// after building, or a release copied from an unbuilt one by an env change) is reused instead of building again.
/// </summary>
public sealed class ReleaseImages(IContainerRuntime runtime, BuildQueue builds, BuildStore store) : IReleaseImages
{
    /// <summary>Throws <see cref="ImageBuildingException"/> while the release's image is queued or being built.</summary>
    public async Task<ResolvedImage> ResolveAsync(Guid appId, DesiredRelease release, CancellationToken cancellationToken)
    {
        builds.Keep(appId, release);
        var image = await ResolveOrQueueAsync(appId, release, cancellationToken);
        // Built: a release that waited for its build is pending again while it rolls out.
        if (release.Status == ReleaseStatus.Building)
            await store.MarkBuiltAsync(release.Id, cancellationToken);
        return image;
    }

    private async Task<ResolvedImage> ResolveOrQueueAsync(Guid appId, DesiredRelease release, CancellationToken cancellationToken)
    {
        if (release.ImageDigest is { } digest)
            return await runtime.EnsureImageAsync(digest, cancellationToken);
        if (release.SourceKind == ReleaseSources.Image)
            return await runtime.EnsureImageAsync(release.Image, cancellationToken);
        if (await runtime.FindImageAsync(release.Image, cancellationToken) is { } built)
            return built;

        builds.Request(appId, release);
        await store.MarkBuildingAsync(release.Id, cancellationToken);
        throw new ImageBuildingException(release.Id);
    }
}
