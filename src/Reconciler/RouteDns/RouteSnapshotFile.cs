using System.Text.Json;
using System.Text.Json.Serialization;
using PersonalCloud.Reconciler.Routing;

namespace PersonalCloud.Reconciler.RouteDns;

/// <summary>
/// The last good routing table on disk (<c>$PCLOUD_DATA_DIR/run/routes.json</c>, root-only), so a restarted
/// responder answers at once even while Postgres is down. Written to a temporary file, flushed, then renamed.
/// </summary>
public sealed class RouteSnapshotFile(string path)
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public string Path { get; } = path;

    /// <summary>The saved routes, or null when there is no file or it cannot be read (a torn or foreign file is not trusted).</summary>
    public IReadOnlyList<StoredRoute>? TryRead()
    {
        try
        {
            using var stream = File.OpenRead(Path);
            return JsonSerializer.Deserialize(stream, RouteSnapshotJson.Default.ListStoredRoute);
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException or NotSupportedException)
        {
            return null;
        }
    }

    public void Write(IEnumerable<StoredRoute> routes)
    {
        var directory = System.IO.Path.GetDirectoryName(Path)!;
        Directory.CreateDirectory(directory);
        var temporary = Path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, UnixCreateMode = OwnerOnly };
        using (var stream = new FileStream(temporary, options))
        {
            JsonSerializer.Serialize(stream, routes.OrderBy(r => r.AppId).ToList(), RouteSnapshotJson.Default.ListStoredRoute);
            stream.Flush(flushToDisk: true);
        }

        File.SetUnixFileMode(temporary, OwnerOnly);
        File.Move(temporary, Path, overwrite: true);
    }
}

[JsonSerializable(typeof(List<StoredRoute>))]
internal sealed partial class RouteSnapshotJson : JsonSerializerContext;
