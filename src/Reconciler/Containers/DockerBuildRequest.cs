using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using PersonalCloud.Reconciler.Builds;

namespace PersonalCloud.Reconciler.Containers;

/// <summary>
/// POST /build over the engine's unix socket, made here because Docker.DotNet's build parameters have no cgroup parent:
/// the engine's own query parameters (API 1.41) carry the sandbox, the response is the engine's JSON message stream.
/// </summary>
public static class DockerBuildRequest
{
    /// <summary>The query string of a build: tag, labels, clean-up of step containers, and every limit of the sandbox. Pure.</summary>
    public static string Query(string tag, IReadOnlyDictionary<string, string> labels, BuildSandbox sandbox)
    {
        var parameters = new (string Name, string Value)[]
        {
            ("t", tag),
            ("labels", LabelsJson(labels)),
            ("rm", "1"),
            ("forcerm", "1"),
            ("memory", sandbox.MemoryBytes.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            // memswap equal to memory: no swap on top of the memory limit.
            ("memswap", sandbox.MemoryBytes.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("cpuperiod", sandbox.CpuPeriodMicros.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("cpuquota", sandbox.CpuQuotaMicros.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("cgroupparent", "/" + sandbox.CgroupParent),
            ("networkmode", sandbox.NetworkName),
        };
        return string.Join('&', parameters.Select(p => $"{p.Name}={Uri.EscapeDataString(p.Value)}"));
    }

    /// <summary>Sends the context; each message of the engine's stream goes to <paramref name="onMessage"/> as it arrives.</summary>
    public static async Task PostAsync(
        string socketPath, string query, Stream context, Action<BuildStreamMessage> onMessage, CancellationToken cancellationToken)
    {
        using var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, ct) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), ct);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        // A build streams for as long as it runs; its own timeout is the caller's token.
        using var http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        using var content = new StreamContent(context);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/x-tar");
        using var request = new HttpRequestMessage(HttpMethod.Post, $"http://docker/build?{query}") { Content = content };
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            // A context the engine cannot read or a Dockerfile it cannot parse is refused before the stream starts (400/500).
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            throw new ImageBuildFailedException(DockerObservedState.ErrorMessage(body));
        }

        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (!string.IsNullOrWhiteSpace(line))
                onMessage(BuildStreamMessage.FromJson(line));
        }
    }

    private static string LabelsJson(IReadOnlyDictionary<string, string> labels)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var (key, value) in labels.OrderBy(l => l.Key, StringComparer.Ordinal))
                writer.WriteString(key, value);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
