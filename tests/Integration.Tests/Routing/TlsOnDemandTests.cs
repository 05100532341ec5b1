using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using PersonalCloud.Integration.Tests.Support;

namespace PersonalCloud.Integration.Tests.Routing;

/// <summary>HTTPS for hostnames Caddy's config never names: on-demand certificates, gated by the ask URL.</summary>
[Category("Integration")]
public sealed class TlsOnDemandTests
{
    private RoutingStack _stack = null!;
    private TestUpstream _upstream = null!;
    private HttpClient _https = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _stack = await RoutingStack.StartAsync();
        _upstream = new TestUpstream("hello over https");
        _https = new HttpClient(new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.Zero,
            // Dial Caddy's HTTPS port on loopback whatever the hostname; the URL still sets SNI and Host.
            ConnectCallback = async (_, ct) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                await socket.ConnectAsync(IPAddress.Loopback, _stack.Caddy.HttpsPort, ct);
                return new NetworkStream(socket, ownsSocket: true);
            },
            SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = IssuedByCaddysLocalCa },
        }) { Timeout = TimeSpan.FromSeconds(10) };
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        _https?.Dispose();
        _upstream?.Dispose();
        if (_stack is not null)
            await _stack.DisposeAsync();
    }

    [Test]
    public async Task Https_ForANewHostnameTheAskUrlAllows_ServesWithACertificateFromCaddysLocalCa()
    {
        var route = RoutingStack.NewRoute(_upstream.Dial);
        await _stack.Routes.ApplyAsync(route.AppId, route, CancellationToken.None);
        _stack.Ask.Allow(route.Hostnames[0]);
        var loadsBefore = _stack.Caddy.ConfigLoads;

        // The first handshake waits for the certificate; a retry only covers Caddy's storage being created.
        string? body = null;
        await Eventually.UntilAsync(
            async () =>
            {
                using var response = await _https.GetAsync($"https://{route.Hostnames[0]}:{_stack.Caddy.HttpsPort}/");
                body = await response.Content.ReadAsStringAsync();
                return response.StatusCode == HttpStatusCode.OK;
            },
            TimeSpan.FromSeconds(15),
            $"https://{route.Hostnames[0]} answers 200 with a certificate Caddy's local CA signed");

        body.Should().Be(_upstream.Body);
        _stack.Ask.Asked.Should().Contain(route.Hostnames[0]);
        _stack.Caddy.ConfigLoads.Should().Be(loadsBefore, "a new hostname needs no config change");
    }

    [Test]
    public async Task Https_ForAHostnameTheAskUrlRefuses_FailsTheHandshake()
    {
        var route = RoutingStack.NewRoute(_upstream.Dial);
        await _stack.Routes.ApplyAsync(route.AppId, route, CancellationToken.None);

        var act = () => _https.GetAsync($"https://{route.Hostnames[0]}:{_stack.Caddy.HttpsPort}/");

        await act.Should().ThrowAsync<HttpRequestException>();
        _stack.Ask.Asked.Should().Contain(route.Hostnames[0]);
    }

    private bool IssuedByCaddysLocalCa(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (certificate is not X509Certificate2 leaf || errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
            return false;

        using var root = X509Certificate2.CreateFromPem(File.ReadAllText(_stack.Caddy.LocalRootCertificate));
        using var trusted = new X509Chain();
        trusted.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        trusted.ChainPolicy.CustomTrustStore.Add(root);
        trusted.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        foreach (var element in chain?.ChainElements ?? Enumerable.Empty<X509ChainElement>())
            trusted.ChainPolicy.ExtraStore.Add(element.Certificate);
        return trusted.Build(leaf);
    }
}
