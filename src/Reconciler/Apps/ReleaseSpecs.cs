using PersonalCloud.Contracts.Apps;
using PersonalCloud.Contracts.Processes;
using PersonalCloud.Reconciler.Builds;
using PersonalCloud.Reconciler.Containers;
using PersonalCloud.Reconciler.Desired;
using PersonalCloud.Reconciler.Planning;

namespace PersonalCloud.Reconciler.Apps;

/// <summary>
/// The desired state of one app with what its release runs: the process specs (its definitions, its image's Procfile,
/// the live replica counts) and its release command; why its image cannot be had, or that it is still being built;
/// and when the desired release failed, the serving release's processes.
/// </summary>
public sealed record DesiredSpecs(
    DesiredApp? Desired,
    IReadOnlyList<ProcessSpec>? Processes,
    ContainerSpec? ReleaseCommand,
    Procfile? Procfile,
    string? ImageError,
    bool Building,
    ServingFallback? Fallback);

/// <summary>Reads an app's desired state and resolves the images its releases run (a build is queued, never awaited).</summary>
public sealed class ReleaseSpecs(DesiredStateReader desiredState, IReleaseImages images, IContainerRuntime runtime, BuildQueue builds)
{
    public async Task<DesiredSpecs> ReadAsync(Guid appId, CancellationToken ct)
    {
        var desired = await desiredState.ReadAsync(appId, ct);
        if (desired?.Release is not { Status: not ReleaseStatus.Failed } release)
        {
            builds.Keep(appId, null);
            var fallback = desired?.ServingRelease is { } serving ? await FallbackAsync(desired, serving, ct) : null;
            return new DesiredSpecs(desired, null, null, null, null, false, fallback);
        }

        try
        {
            var image = await images.ResolveAsync(appId, release, ct);
            return new DesiredSpecs(desired, ContainerSpecs.BuildProcesses(desired, release, image), ContainerSpecs.BuildReleaseCommand(desired, release, image),
                image.Procfile, null, false, null);
        }
        catch (ImageUnavailableException e)
        {
            return new DesiredSpecs(desired, null, null, null, e.Message, false, null);
        }
        catch (ImageBuildingException)
        {
            return new DesiredSpecs(desired, null, null, null, null, true, null);
        }
    }

    /// <summary>The serving release's processes, from its image as the engine has it (never pulled or built again); null when it is gone.</summary>
    private async Task<ServingFallback?> FallbackAsync(DesiredApp desired, DesiredRelease serving, CancellationToken ct)
    {
        var image = await runtime.FindImageAsync(serving.ImageDigest ?? serving.Image, ct);
        return image is null ? null : new ServingFallback(serving, ContainerSpecs.BuildProcesses(desired, serving, image));
    }
}
