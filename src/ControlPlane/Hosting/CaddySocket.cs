using System.Net.Sockets;
using Microsoft.AspNetCore.HttpOverrides;

namespace PersonalCloud.ControlPlane.Hosting;

/// <summary>
/// Caddy reaches the ControlPlane for the dashboard's hostname over a unix socket in a directory only root may
/// enter, and X-Forwarded-For/-Proto are believed on that socket alone: any local user can connect to the loopback
/// TCP port and send such headers, only Caddy (root) can use the socket. Caddy replaces whatever X-Forwarded-For
/// a client sent with the address the connection came from.
/// </summary>
public static class CaddySocket
{
    private static readonly object ThroughCaddyKey = new();

    /// <summary>Adds the socket to the addresses Kestrel listens on (beside ASPNETCORE_URLS), in a fresh 0700 directory.</summary>
    public static void ListenForCaddy(this WebApplicationBuilder builder, string socketPath)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (socketPath.Length > Contracts.Hosting.DashboardSocket.MaxPathLength)
            throw new InvalidOperationException($"PCLOUD_DASHBOARD_SOCKET is longer than a unix socket path may be ({Contracts.Hosting.DashboardSocket.MaxPathLength} bytes): {socketPath}");
        const UnixFileMode rootOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        var directory = Path.GetDirectoryName(Path.GetFullPath(socketPath))!;
        // Only the socket's own directory is root-only: its parents (the data directory's run/) keep their modes.
        Directory.CreateDirectory(Path.GetDirectoryName(directory)!);
        Directory.CreateDirectory(directory, rootOnly);
        File.SetUnixFileMode(directory, rootOnly);
        RemoveStale(socketPath);
        var urls = builder.WebHost.GetSetting(WebHostDefaults.ServerUrlsKey);
        builder.WebHost.UseSetting(WebHostDefaults.ServerUrlsKey,
            string.IsNullOrWhiteSpace(urls) ? $"http://unix:{socketPath}" : $"{urls};http://unix:{socketPath}");
    }

    /// <summary>Whether the request came over Caddy's socket (its client address and scheme are then the forwarded ones).</summary>
    public static bool CameThroughCaddy(HttpContext http) => http.Items.ContainsKey(ThroughCaddyKey);

    /// <summary>First in the pipeline: on the socket, the forwarded client address and scheme replace the connection's.</summary>
    public static IApplicationBuilder UseForwardedHeadersFromCaddy(this IApplicationBuilder app)
    {
        var options = new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto, ForwardLimit = 1 };
        // Only this branch believes the headers, and it is only entered on the socket: no address list to check.
        options.KnownIPNetworks.Clear();
        options.KnownProxies.Clear();
        return app.UseWhen(OnSocket, branch => branch
            .Use((http, next) =>
            {
                http.Items[ThroughCaddyKey] = true;
                return next(http);
            })
            .UseForwardedHeaders(options));
    }

    /// <summary>Kestrel gives a unix socket connection no IP address at either end; a TCP connection always has both.</summary>
    private static bool OnSocket(HttpContext http) =>
        http.Connection.LocalIpAddress is null && http.Connection.RemoteIpAddress is null;

    /// <summary>A socket file left by a killed process is removed; one that still answers belongs to a running ControlPlane.</summary>
    private static void RemoveStale(string socketPath)
    {
        if (!File.Exists(socketPath))
            return;
        using var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            probe.Connect(new UnixDomainSocketEndPoint(socketPath));
        }
        catch (SocketException)
        {
            File.Delete(socketPath);
            return;
        }

        throw new InvalidOperationException(
            $"Another ControlPlane already serves {socketPath}: stop it first, or give this one its own PCLOUD_DASHBOARD_SOCKET.");
    }
}
