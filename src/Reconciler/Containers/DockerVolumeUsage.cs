using System.Net.Sockets;
using System.Text.Json;

namespace PersonalCloud.Reconciler.Containers;

/// <summary>
/// GET /system/df over the engine's unix socket, made here because Docker.DotNet's model reads the newer shape
/// (VolumeUsage.Items) and API 1.41 answers with a top-level "Volumes" array: each volume's size and how many containers use it.
/// </summary>
public static class DockerVolumeUsage
{
    public sealed record Usage(long? SizeBytes, long? RefCount);

    public static async Task<IReadOnlyDictionary<string, Usage>> ReadAsync(string socketPath, CancellationToken ct)
    {
        using var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, token) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), token);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        using var http = new HttpClient(handler) { Timeout = TimeSpan.FromMinutes(2) };
        // "type=volume" limits the walk to volumes on engines that know it (API 1.42+); 1.41 ignores it and sizes everything.
        using var response = await http.GetAsync("http://docker/system/df?type=volume", ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        if (!response.IsSuccessStatusCode)
            throw new HttpRequestException($"the engine's disk-usage report failed ({(int)response.StatusCode}): {DockerObservedState.ErrorMessage(body)}");
        return Parse(body);
    }

    /// <summary>Pure: both shapes (1.41's "Volumes", 1.42+'s "VolumeUsage.Items"); a size of -1 (not computed) is null.</summary>
    public static IReadOnlyDictionary<string, Usage> Parse(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        var volumes = root.TryGetProperty("Volumes", out var v) && v.ValueKind == JsonValueKind.Array ? v
            : root.TryGetProperty("VolumeUsage", out var u) && u.TryGetProperty("Items", out var items) && items.ValueKind == JsonValueKind.Array ? items
            : default;
        var result = new Dictionary<string, Usage>(StringComparer.Ordinal);
        if (volumes.ValueKind != JsonValueKind.Array)
            return result;
        foreach (var volume in volumes.EnumerateArray())
        {
            if (!volume.TryGetProperty("Name", out var name) || name.GetString() is not { } n)
                continue;
            long? size = null, refs = null;
            if (volume.TryGetProperty("UsageData", out var data) && data.ValueKind == JsonValueKind.Object)
            {
                size = data.TryGetProperty("Size", out var s) && s.TryGetInt64(out var sv) && sv >= 0 ? sv : null;
                refs = data.TryGetProperty("RefCount", out var r) && r.TryGetInt64(out var rv) && rv >= 0 ? rv : null;
            }

            result[n] = new Usage(size, refs);
        }

        return result;
    }
}
