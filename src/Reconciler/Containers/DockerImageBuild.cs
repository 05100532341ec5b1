using Docker.DotNet;
using Docker.DotNet.Models;
using PersonalCloud.Contracts.Labels;

namespace PersonalCloud.Reconciler.Containers;

/// <summary>The engine refused a build context or a build step failed; the message is the engine's (or git's) last error.</summary>
public sealed class ImageBuildFailedException : Exception
{
    public ImageBuildFailedException(string message, Exception? inner = null) : base(message, inner)
    {
    }
}

/// <summary>One message of the engine's build stream, read as output text and/or an error.</summary>
public sealed record BuildStreamMessage(string? Output, string? Error)
{
    /// <summary>Build failures arrive inside a 200 stream as errorDetail; stream text and pull status lines are output.</summary>
    public static BuildStreamMessage From(JSONMessage message)
    {
        var error = string.IsNullOrWhiteSpace(message.Error?.Message) ? null : message.Error.Message.Trim();
        var output = !string.IsNullOrEmpty(message.Stream) ? message.Stream
            : !string.IsNullOrWhiteSpace(message.Status) ? (message.ID is { Length: > 0 } id ? $"{id}: " : "") + message.Status + "\n"
            : null;
        return new BuildStreamMessage(output, error);
    }
}

/// <summary>POST /build on the engine (legacy builder on 20.10 / API 1.41): a tar or tar.gz context with a root Dockerfile.</summary>
public static class DockerImageBuild
{
    public static async Task<ResolvedImage> BuildAsync(
        IDockerClient client,
        string instance,
        Stream context,
        string tag,
        IReadOnlyDictionary<string, string> labels,
        IProgress<string> output,
        CancellationToken cancellationToken)
    {
        var imageLabels = new Dictionary<string, string>(labels)
        {
            [ContainerLabels.Managed] = ContainerLabels.ManagedValue,
            [ContainerLabels.Instance] = instance,
        };
        string? error = null;
        var progress = new InlineProgress(m =>
        {
            var read = BuildStreamMessage.From(m);
            if (read.Output is { } text)
                output.Report(text);
            if (read.Error is { } e)
            {
                error = e;
                output.Report($"ERROR: {e}\n");
            }
        });

        try
        {
            await client.Images.BuildImageFromDockerfileAsync(
                new ImageBuildParameters { Tags = [tag], Labels = imageLabels, Remove = true, ForceRemove = true },
                context, authConfigs: null, headers: null, progress, cancellationToken);
        }
        catch (DockerApiException ex)
        {
            // A context the engine cannot read or a Dockerfile it cannot parse is refused before the stream starts (400/500).
            var reason = DockerObservedState.ErrorMessage(ex.ResponseBody);
            output.Report($"ERROR: {reason}\n");
            throw new ImageBuildFailedException(reason, ex);
        }

        if (error is not null)
            throw new ImageBuildFailedException(error);

        ImageInspectResponse built;
        try
        {
            built = await client.Images.InspectImageAsync(tag, cancellationToken);
        }
        catch (DockerImageNotFoundException ex)
        {
            throw new ImageBuildFailedException($"the build ended without an error but produced no image tagged {tag}", ex);
        }

        return new ResolvedImage(tag, built.ID, DockerObservedState.ExposedTcpPorts(built), built.Config?.User);
    }

    private sealed class InlineProgress(Action<JSONMessage> report) : IProgress<JSONMessage>
    {
        public void Report(JSONMessage value) => report(value);
    }
}
