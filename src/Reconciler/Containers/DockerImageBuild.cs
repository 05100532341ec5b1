using Docker.DotNet;
using Docker.DotNet.Models;
using PersonalCloud.Contracts.Labels;
using PersonalCloud.Reconciler.Builds;

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

    /// <summary>One line of the engine's stream as JSON; a line that is not JSON is kept as output text.</summary>
    public static BuildStreamMessage FromJson(string json)
    {
        try
        {
            using var document = System.Text.Json.JsonDocument.Parse(json);
            var root = document.RootElement;
            return From(new JSONMessage
            {
                Stream = Text(root, "stream"),
                Status = Text(root, "status"),
                ID = Text(root, "id"),
                Error = root.TryGetProperty("errorDetail", out var detail) && Text(detail, "message") is { } m
                    ? new JSONError { Message = m }
                    : Text(root, "error") is { } e ? new JSONError { Message = e } : null,
            });
        }
        catch (System.Text.Json.JsonException)
        {
            return new BuildStreamMessage(json + "\n", null);
        }
    }

    private static string? Text(System.Text.Json.JsonElement element, string name) =>
        element.ValueKind == System.Text.Json.JsonValueKind.Object && element.TryGetProperty(name, out var value)
        && value.ValueKind == System.Text.Json.JsonValueKind.String ? value.GetString() : null;
}

/// <summary>POST /build on the engine (legacy builder on 20.10 / API 1.41): a tar or tar.gz context with a root Dockerfile.</summary>
public static class DockerImageBuild
{
    public static async Task<ResolvedImage> BuildAsync(
        IDockerClient client,
        string socketPath,
        string instance,
        Stream context,
        string tag,
        IReadOnlyDictionary<string, string> labels,
        BuildSandbox sandbox,
        IProgress<string> output,
        CancellationToken cancellationToken)
    {
        await EnsureNetworkAsync(client, instance, sandbox, cancellationToken);
        var imageLabels = new Dictionary<string, string>(labels)
        {
            [ContainerLabels.Managed] = ContainerLabels.ManagedValue,
            [ContainerLabels.Instance] = instance,
        };
        string? error = null;
        await DockerBuildRequest.PostAsync(socketPath, DockerBuildRequest.Query(tag, imageLabels, sandbox), context, m =>
        {
            if (m.Output is { } text)
                output.Report(text);
            if (m.Error is { } e)
            {
                error = e;
                output.Report($"ERROR: {e}\n");
            }
        }, cancellationToken);

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

        return DockerObservedState.ToResolved(tag, built);
    }

    /// <summary>The build network: a labelled bridge of this instance with inter-container traffic off, under a known interface name.</summary>
    private static async Task EnsureNetworkAsync(IDockerClient client, string instance, BuildSandbox sandbox, CancellationToken ct)
    {
        var existing = await client.Networks.ListNetworksAsync(new NetworksListParameters
        {
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["name"] = new Dictionary<string, bool> { [sandbox.NetworkName] = true } },
        }, ct);
        if (existing.Any(n => n.Name == sandbox.NetworkName))
            return;
        try
        {
            await client.Networks.CreateNetworkAsync(new NetworksCreateParameters
            {
                Name = sandbox.NetworkName,
                Driver = "bridge",
                Labels = new Dictionary<string, string>
                {
                    [ContainerLabels.Managed] = ContainerLabels.ManagedValue,
                    [ContainerLabels.Instance] = instance,
                },
                Options = new Dictionary<string, string>
                {
                    ["com.docker.network.bridge.enable_icc"] = "false",
                    ["com.docker.network.bridge.name"] = sandbox.BridgeName,
                },
            }, ct);
        }
        catch (DockerApiException ex) when (ex.StatusCode == System.Net.HttpStatusCode.Conflict)
        {
            // Created meanwhile by another build: that one is the same network.
        }
    }
}
