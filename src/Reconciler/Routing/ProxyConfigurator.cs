using System.Text.Json.Nodes;

namespace PersonalCloud.Reconciler.Routing;

/// <summary>
/// Loads Caddy's static config, and only when Caddy's differs: every load is a reload that drops client
/// connections, so a reconciler restart with unchanged settings must leave Caddy alone.
/// </summary>
public sealed partial class ProxyConfigurator(ICaddyAdmin admin, ProxySettings settings, ILogger<ProxyConfigurator> logger)
{
    /// <summary>True when Caddy was (re)loaded. A failed read throws and loads nothing.</summary>
    public async Task<bool> EnsureAsync(CancellationToken cancellationToken)
    {
        var desired = CaddyConfigBuilder.Build(settings);
        var (current, etag) = await admin.GetAppsAsync(cancellationToken);
        if (JsonNode.DeepEquals(current, JsonNode.Parse(CaddyConfigBuilder.Serialize(desired))))
            return false;

        await admin.LoadAppsAsync(desired, etag, cancellationToken);
        LogLoaded(logger, current is null ? "had none" : "differed", settings.HttpPort, settings.HttpsPort, settings.DnsPort);
        return true;
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Caddy's config {Reason}: static proxy config loaded (http :{HttpPort}, https :{HttpsPort}, routes from DNS udp/127.0.0.1:{DnsPort})")]
    private static partial void LogLoaded(ILogger logger, string reason, int httpPort, int httpsPort, int dnsPort);
}
