using System.Net;
using PersonalCloud.ControlPlane.Hosting;

namespace PersonalCloud.ControlPlane.Auth;

/// <summary>
/// Where a password may arrive: over HTTPS (through Caddy, which says so on its socket), or on a direct loopback
/// connection, which never leaves the machine. Plain HTTP from anywhere else (the API bound to a public address) is
/// refused before the password is compared. Caddy itself never passes plain HTTP on: it redirects the dashboard's
/// hostname to HTTPS.
/// </summary>
public static class LoginTransport
{
    public static bool Allows(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (http.Request.IsHttps)
            return true;
        return !CaddySocket.CameThroughCaddy(http) && http.Connection.RemoteIpAddress is { } peer && IPAddress.IsLoopback(peer);
    }
}
