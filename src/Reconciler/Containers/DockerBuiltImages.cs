using System.Net;
using Docker.DotNet;
using Docker.DotNet.Models;
using PersonalCloud.Contracts.Labels;

namespace PersonalCloud.Reconciler.Containers;

/// <summary>The images this instance built from source: listed through their labels, removed by id.</summary>
public sealed partial class DockerContainerRuntime
{
    public async Task<IReadOnlyList<BuiltImage>> ListBuiltImagesAsync(CancellationToken cancellationToken)
    {
        var images = await _client.Images.ListImagesAsync(new ImagesListParameters { Filters = ScopedFilter() }, cancellationToken);
        return images
            .Select(i => DockerObservedState.ParseGuid(i.Labels, ContainerLabels.AppId) is { } appId
                ? new BuiltImage(i.ID, appId, DockerObservedState.ParseGuid(i.Labels, ContainerLabels.ReleaseId),
                    (i.RepoTags ?? []).Where(t => t != "<none>:<none>").ToList())
                : null)
            .OfType<BuiltImage>()
            .ToList();
    }

    public async Task<bool> RemoveImageAsync(string imageId, CancellationToken cancellationToken)
    {
        try
        {
            // Not forced: an image a container still uses, or that someone tagged again, stays.
            await _client.Images.DeleteImageAsync(imageId, new ImageDeleteParameters { Force = false }, cancellationToken);
            return true;
        }
        catch (DockerApiException ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            return true;
        }
        catch (DockerApiException ex) when (ex.StatusCode == HttpStatusCode.Conflict)
        {
            LogImageKept(imageId, DockerObservedState.ErrorMessage(ex.ResponseBody));
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Build image {ImageId} stays for now: {Reason}")]
    private partial void LogImageKept(string imageId, string reason);
}
