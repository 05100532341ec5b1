using PersonalCloud.Reconciler.Containers;
using PersonalCloud.Reconciler.Desired;

namespace PersonalCloud.Reconciler.Builds;

/// <summary>
/// Gets the image a release runs: an image reference used as it is (or pulled), or a source archive / git repository
/// built by the engine. Throws <see cref="ImageUnavailableException"/> when it cannot, with the reason for the release.
/// </summary>
public interface IReleaseImages
{
    Task<ResolvedImage> ResolveAsync(Guid appId, DesiredRelease release, CancellationToken cancellationToken);
}
