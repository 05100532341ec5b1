using System.Text.Json.Nodes;

namespace PersonalCloud.Reconciler.Routing;

/// <summary>
/// Loads Caddy's static config, and only when Caddy's differs: every load is a reload that drops client
/// connections, so a reconciler restart with unchanged settings must leave Caddy alone. The config Caddy then runs
/// is written down for the dashboard, once per process and whenever it changes.
/// </summary>
public sealed partial class ProxyConfigurator(ICaddyAdmin admin, ProxySettings settings, ICaddyConfigRecord record, ILogger<ProxyConfigurator> logger)
{
    private string? _recorded;

    /// <summary>True when Caddy was (re)loaded. A failed read throws and loads nothing.</summary>
    public async Task<bool> EnsureAsync(CancellationToken cancellationToken)
    {
        var desired = CaddyConfigBuilder.Build(settings);
        var json = CaddyConfigBuilder.Serialize(desired);
        var (current, etag) = await admin.GetAppsAsync(cancellationToken);
        var load = !JsonNode.DeepEquals(current, JsonNode.Parse(json));
        if (load)
        {
            await admin.LoadAppsAsync(desired, etag, cancellationToken);
            LogLoaded(logger, current is null ? "had none" : "differed", settings.HttpPort, settings.HttpsPort, settings.DnsPort);
        }

        // After Caddy has it (loaded or verified): the record never shows a config Caddy refused.
        if (json != _recorded)
        {
            await record.SaveAsync(json, cancellationToken);
            _recorded = json;
        }

        return load;
    }

    /// <summary>Whether Caddy runs the platform's config, has none (a fresh start) or another one. A failed read throws.</summary>
    public async Task<CaddyConfigState> InspectAsync(CancellationToken cancellationToken)
    {
        var (current, _) = await admin.GetAppsAsync(cancellationToken);
        if (current is null)
            return CaddyConfigState.Empty;
        var desired = JsonNode.Parse(CaddyConfigBuilder.Serialize(CaddyConfigBuilder.Build(settings)));
        return JsonNode.DeepEquals(current, desired) ? CaddyConfigState.Ours : CaddyConfigState.Differs;
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Caddy's config {Reason}: static proxy config loaded (http :{HttpPort}, https :{HttpsPort}, routes from DNS udp/127.0.0.1:{DnsPort})")]
    private static partial void LogLoaded(ILogger logger, string reason, int httpPort, int httpsPort, int dnsPort);
}

/// <summary>What <see cref="ProxyConfigurator.InspectAsync"/> found in Caddy.</summary>
public enum CaddyConfigState
{
    Ours,
    Empty,
    Differs,
}
