using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using PersonalCloud.Integration.Tests.Platform;

namespace PersonalCloud.Integration.Tests.Support;

/// <summary>
/// A client on the internet's side of Caddy: it dials Caddy's public ports on loopback from a loopback address of its
/// own (all of 127/8 is loopback on Linux), so Caddy sees, and forwards, a client address no other test shares. The
/// URL's host still sets SNI and Host. Redirects are not followed: a test sees them.
/// </summary>
public static class EdgeClient
{
    private static int _addresses;

    /// <summary>A fresh 127.64.x.y for this test process.</summary>
    public static IPAddress NewAddress()
    {
        var n = Interlocked.Increment(ref _addresses);
        return new IPAddress([127, 64, (byte)(n / 250 % 250), (byte)((n % 250) + 1)]);
    }

    public static Uri DashboardHttps(PlatformFixture platform) => new($"https://dashboard.{PlatformFixture.BaseDomain}:{platform.HttpsPort}");

    public static Uri DashboardHttp(PlatformFixture platform) => new($"http://dashboard.{PlatformFixture.BaseDomain}:{platform.HttpPort}");

    public static HttpClient Create(PlatformFixture platform, IPAddress source, CookieContainer? cookies = null, int maxConnections = 10)
    {
        ArgumentNullException.ThrowIfNull(platform);
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            MaxConnectionsPerServer = maxConnections,
            UseCookies = cookies is not null,
            CookieContainer = cookies ?? new CookieContainer(),
            ConnectCallback = async (context, ct) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    socket.Bind(new IPEndPoint(source, 0));
                    await socket.ConnectAsync(IPAddress.Loopback, context.DnsEndPoint.Port, ct);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, chain, errors) => IssuedByCaddysLocalCa(platform.DataDir, certificate, chain, errors),
            },
        };
        return new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(60) };
    }

    /// <summary>A certificate for the requested name, chained to the local CA of the platform's Caddy (tls internal).</summary>
    public static bool IssuedByCaddysLocalCa(string dataDir, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (certificate is not X509Certificate2 leaf || errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
            return false;
        var rootFile = Path.Combine(dataDir, "caddy", "data", "pki", "authorities", "local", "root.crt");
        using var root = X509Certificate2.CreateFromPem(File.ReadAllText(rootFile));
        using var trusted = new X509Chain();
        trusted.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        trusted.ChainPolicy.CustomTrustStore.Add(root);
        trusted.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        foreach (var element in chain?.ChainElements ?? Enumerable.Empty<X509ChainElement>())
            trusted.ChainPolicy.ExtraStore.Add(element.Certificate);
        return trusted.Build(leaf);
    }
}
