using System.Net;
using System.Text.Json.Nodes;
using PersonalCloud.Reconciler.Routing;

namespace PersonalCloud.Reconciler.Tests.Routing;

/// <summary>An in-memory Caddy admin API: keeps /config/apps as Caddy does (keys sorted) and honours If-Match.</summary>
internal sealed class FakeCaddyAdmin : ICaddyAdmin
{
    private JsonNode? _apps;
    private int _version;

    public int Loads { get; private set; }

    public Exception? FailReadsWith { get; set; }

    public string? Json => _apps?.ToJsonString();

    public Task<(JsonNode? Apps, string? ETag)> GetAppsAsync(CancellationToken cancellationToken)
    {
        if (FailReadsWith is not null)
        {
            return Task.FromException<(JsonNode?, string?)>(FailReadsWith);
        }

        return Task.FromResult((_apps?.DeepClone(), (string?)ETag()));
    }

    public Task LoadAppsAsync(CaddyApps apps, string? etag, CancellationToken cancellationToken)
    {
        if (etag is not null && etag != ETag())
        {
            throw new CaddyAdminException(HttpStatusCode.PreconditionFailed, "POST /config/apps", """{"error":"If-Match header did not match current config hash"}""");
        }

        _apps = AsCaddyReturnsIt(JsonNode.Parse(CaddyConfigBuilder.Serialize(apps)));
        _version++;
        Loads++;
        return Task.CompletedTask;
    }

    /// <summary>Someone else changed the config behind the route table's back.</summary>
    public void ChangeBehindTheBack() => _version++;

    // Caddy hands config back with object keys in alphabetical order (Go maps).
    public static JsonNode? AsCaddyReturnsIt(JsonNode? node) => node switch
    {
        JsonObject obj => new JsonObject(obj.OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => KeyValuePair.Create(p.Key, AsCaddyReturnsIt(p.Value)))),
        JsonArray array => new JsonArray(array.Select(AsCaddyReturnsIt).ToArray()),
        _ => node?.DeepClone(),
    };

    private string ETag() => $"\"/config/apps {_version:x8}\"";
}
