using System.Net;
using System.Net.Http.Json;
using PersonalCloud.Contracts.Api;

namespace PersonalCloud.Integration.Tests.Platform;

/// <summary>The ControlPlane tells Caddy which hostnames may get an on-demand certificate: only apps' ones.</summary>
[Category("Integration")]
public sealed class TlsAskTests : PlatformTest
{
    private HttpClient _anonymous = null!;

    [SetUp]
    public void SetUp()
    {
        // Caddy sends no token.
        _anonymous = new HttpClient { BaseAddress = Api.Http.BaseAddress };
    }

    [TearDown]
    public void TearDown() => _anonymous.Dispose();

    [Test]
    public async Task Ask_ForAnAppsGeneratedHostnameOrCustomDomain_Answers200_ForAnyOtherHost404()
    {
        var app = await Api.CreateAppAsync(PlatformApi.UniqueName("tlsask"));
        var domain = $"{app.Name}.example.org";
        (await Api.Http.PostAsJsonAsync($"/api/apps/{app.Id}/domains", new AddDomainRequest(domain))).StatusCode.Should().Be(HttpStatusCode.Created);

        (await AskAsync(app.GeneratedHostname)).Should().Be(HttpStatusCode.OK);
        (await AskAsync(domain.ToUpperInvariant())).Should().Be(HttpStatusCode.OK, "SNI may come in any case");
        (await AskAsync($"nobody-{Guid.NewGuid():N}.example.org")).Should().Be(HttpStatusCode.NotFound);
        (await _anonymous.GetAsync("/internal/tls/ask")).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    private async Task<HttpStatusCode> AskAsync(string domain) =>
        (await _anonymous.GetAsync($"/internal/tls/ask?domain={Uri.EscapeDataString(domain)}")).StatusCode;
}
