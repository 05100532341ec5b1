using System.Text.Json;
using System.Text.Json.Nodes;

namespace PersonalCloud.Reconciler.Routing;

/// <summary>Reads the app routes back out of Caddy's current <c>/config/apps</c> JSON (the observed state).</summary>
public static class CaddyRouteReader
{
    /// <summary>
    /// Every route whose <c>@id</c> starts with <c>pcloud-app-</c> on the HTTPS server (the HTTP server has the same list).
    /// A missing config or server means no routes; a route that is not ours or cannot be parsed is skipped.
    /// </summary>
    public static IReadOnlyList<AppRoute> Read(JsonNode? apps)
    {
        if (apps?["http"]?["servers"]?[CaddyConfigBuilder.HttpsServerName]?["routes"] is not JsonArray routes)
        {
            return [];
        }

        var result = new List<AppRoute>();
        foreach (var route in routes.OfType<JsonObject>())
        {
            if (TryRead(route) is { } appRoute)
            {
                result.Add(appRoute);
            }
        }

        return result;
    }

    private static AppRoute? TryRead(JsonObject route)
    {
        var id = StringOf(route["@id"]);
        if (id is null
            || !id.StartsWith(CaddyConfigBuilder.AppRouteIdPrefix, StringComparison.Ordinal)
            || !Guid.TryParseExact(id[CaddyConfigBuilder.AppRouteIdPrefix.Length..], "N", out var appId))
        {
            return null;
        }

        var hostnames = (route["match"] as JsonArray ?? [])
            .SelectMany(match => match?["host"] as JsonArray ?? [])
            .Select(StringOf)
            .OfType<string>()
            .ToList();

        var handlers = (route["handle"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        var appName = handlers
            .Where(handler => StringOf(handler["handler"]) == "vars")
            .Select(handler => StringOf(handler[CaddyVarsHandler.AppNameKey]))
            .FirstOrDefault(name => name is not null) ?? "";
        var upstreams = handlers
            .Where(handler => StringOf(handler["handler"]) == "reverse_proxy")
            .SelectMany(handler => handler["upstreams"] as JsonArray ?? [])
            .Select(upstream => StringOf(upstream?["dial"]))
            .OfType<string>()
            .ToList();

        return new AppRoute(appId, appName, hostnames, upstreams);
    }

    private static string? StringOf(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;
}
