using PersonalCloud.Contracts.Apps;
using PersonalCloud.Reconciler.Containers;
using PersonalCloud.Reconciler.Desired;

namespace PersonalCloud.Reconciler.Builds;

/// <summary>
/// Image releases resolve through the engine; source releases are built once. Once a digest is recorded, that digest is
/// what runs; a built tag found in the engine (a pass that failed after building, or a release copied from an unbuilt
/// one by an env change) is reused instead of building again.
/// </summary>
public sealed class ReleaseImages(IContainerRuntime runtime, SourceBuilder builder) : IReleaseImages
{
    public async Task<ResolvedImage> ResolveAsync(Guid appId, DesiredRelease release, CancellationToken cancellationToken)
    {
        if (release.ImageDigest is { } digest)
            return await runtime.EnsureImageAsync(digest, cancellationToken);
        if (release.SourceKind == ReleaseSources.Image)
            return await runtime.EnsureImageAsync(release.Image, cancellationToken);
        return await runtime.FindImageAsync(release.Image, cancellationToken)
            ?? await builder.BuildAsync(appId, release, cancellationToken);
    }
}
