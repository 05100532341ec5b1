using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using PersonalCloud.ControlPlane.Hosting;

namespace PersonalCloud.ControlPlane.Domains;

/// <summary>
/// Caddy's on-demand TLS "ask": before its first certificate for a hostname Caddy calls
/// <c>GET /internal/tls/ask?domain=host</c> and goes on only on a 2xx, so no one can make it issue certificates for
/// hostnames no app has (the dashboard's hostname is the platform's own). Anonymous, since Caddy sends no token; the API listens on loopback.
/// </summary>
public static class TlsAskEndpoint
{
    public const string Path = "/internal/tls/ask";

    public static IEndpointRouteBuilder MapTlsAsk(this IEndpointRouteBuilder app)
    {
        app.MapGet(Path, Ask).AllowAnonymous().WithTags("Platform").WithName("askTls");
        return app;
    }

    /// <summary>Whether the platform serves a hostname</summary>
    /// <remarks>Caddy asks before it issues a certificate on demand: 200 for an app's hostname or custom domain, else 404. Answered from memory.</remarks>
    internal static async Task<Results<Ok, NotFound>> Ask(
        string? domain, ServedHostnames hostnames, IOptions<ControlPlaneOptions> options, CancellationToken ct)
    {
        // Hostnames are stored lower-case without a trailing dot; SNI may come in any case.
        var hostname = domain?.Trim().TrimEnd('.').ToLowerInvariant();
        if (string.IsNullOrEmpty(hostname))
            return TypedResults.NotFound();
        if (hostname == options.Value.DashboardHost)
            return TypedResults.Ok();
        return await hostnames.ContainsAsync(hostname, ct) ? TypedResults.Ok() : TypedResults.NotFound();
    }
}
