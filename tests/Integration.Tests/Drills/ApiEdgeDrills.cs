using System.Formats.Tar;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using PersonalCloud.Contracts.Api;
using PersonalCloud.Integration.Tests.Support;

namespace PersonalCloud.Integration.Tests.Platform.Drills;

/// <summary>
/// Issue 9, item 13's edges of the API: a token in a query string stays out of the console log; a NUL or a broken
/// surrogate in a request does not cost its audit row; a wrong content type answers 415; an IP literal as Host is
/// answered at once; a build context up to 64 MB is taken and one above answers 413.
/// </summary>
[Category("Integration")]
[Category("Drill")]
public sealed class ApiEdgeDrills : PlatformTest
{
    private const long UploadLimit = 64L * 1024 * 1024;

    [Test]
    public async Task TokenInAQueryString_NeverReachesTheConsoleLog()
    {
        var secret = "querytoken" + Guid.NewGuid().ToString("N");
        var marker = Guid.NewGuid();
        using var anonymous = new HttpClient { BaseAddress = Platform.Api.BaseAddress };

        (await anonymous.GetAsync($"/api/apps/{marker}?access_token={secret}")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await Api.Http.GetAsync($"/api/apps/{marker}?token={secret}")).StatusCode.Should().Be(HttpStatusCode.NotFound);

        var log = Path.Combine(Platform.DataDir, "logs", "controlplane.log");
        await Eventually.UntilAsync(() => Task.FromResult(ReadShared(log).Split(marker.ToString()).Length > 2), TimeSpan.FromSeconds(30),
            "both requests are in the console log, by their path");
        ReadShared(log).Should().NotContain(secret);
    }

    [Test]
    public async Task NulOrBrokenSurrogateInARequest_KeepsItsAuditRow()
    {
        var marker = Guid.NewGuid().ToString("N")[..12];
        foreach (var name in new[] { $"nul\\u0000{marker}", $"surrogate\\ud800{marker}" })
        {
            using var body = new StringContent($$"""{"name":"{{name}}"}""", Encoding.UTF8, "application/json");
            (await Api.Http.PostAsync("/api/apps", body)).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        }

        var rejected = await Api.GetAsync<IReadOnlyList<AuditEntryResponse>>("/api/audit?status=400&method=post&limit=1000");
        rejected.Select(e => e.Summary).Should().Contain($"create app nul\u2400{marker}", "a NUL is stored as '␀'")
            .And.Contain(s => s != null && s.StartsWith("create app surrogate", StringComparison.Ordinal) && s.EndsWith(marker, StringComparison.Ordinal));
    }

    [Test]
    public async Task WrongContentType_Answers415Problem()
    {
        var app = await Api.CreateAppAsync(PlatformApi.UniqueName("mediatype"));

        foreach (var path in new[] { "/api/apps", $"/api/apps/{app.Id}/env", $"/api/apps/{app.Id}/domains" })
        {
            using var body = new StringContent("name=x", Encoding.UTF8, "text/plain");
            using var response = await Api.Http.PostAsync(path, body);
            var text = await response.Content.ReadAsStringAsync();
            response.StatusCode.Should().Be(HttpStatusCode.UnsupportedMediaType, $"{path}: {text}");
            response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
            JsonDocument.Parse(text).RootElement.GetProperty("type").GetString().Should().EndWith("/unsupported-media-type");
        }

        (await Api.Http.DeleteAsync($"/api/apps/{app.Id}")).StatusCode.Should().Be(HttpStatusCode.Accepted);
    }

    [TestCase("10.1.2.3")]
    [TestCase("127.0.0.1")]
    [TestCase("[::1]")]
    public async Task IpLiteralHost_ThroughCaddy_GetsTheNoAppAnswerAtOnce(string host)
    {
        // Before: Caddy's resolver refused to look such a name up and the proxy retried that for its 5 s try duration, then 503.
        var (status, body) = await Api.GetThroughProxyAsync(host);

        status.Should().Be(HttpStatusCode.NotFound);
        body.Should().Be("no app at this host");
    }

    [Test]
    public async Task BuildContext_AboveTheLimit_Answers413Problem_AndOneAboveTheServersDefaultLimitIsTaken()
    {
        var app = await Api.CreateAppAsync(PlatformApi.UniqueName("upload"));
        try
        {
            using (var tooLarge = new ByteArrayContent(new byte[UploadLimit + 1]))
            {
                tooLarge.Headers.ContentType = new MediaTypeHeaderValue("application/gzip");
                // As curl sends a large body: the server can refuse it before a byte of it travels.
                using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/apps/{app.Id}/deploy") { Content = tooLarge };
                request.Headers.ExpectContinue = true;
                using var response = await Api.Http.SendAsync(request);
                var text = await response.Content.ReadAsStringAsync();
                response.StatusCode.Should().Be(HttpStatusCode.RequestEntityTooLarge, text);
                JsonDocument.Parse(text).RootElement.GetProperty("type").GetString().Should().EndWith("/too-large");
            }

            // Over Kestrel's default limit (about 28.6 MiB), which made this a 500 before.
            using var context = new ByteArrayContent(BuildContext(40 * 1024 * 1024));
            context.Headers.ContentType = new MediaTypeHeaderValue("application/gzip");
            using var accepted = await Api.Http.PostAsync($"/api/apps/{app.Id}/deploy", context);
            accepted.StatusCode.Should().Be(HttpStatusCode.Accepted, await accepted.Content.ReadAsStringAsync());
        }
        finally
        {
            await Api.Http.DeleteAsync($"/api/apps/{app.Id}");
        }
    }

    /// <summary>A tar.gz with a Dockerfile and <paramref name="fillerBytes"/> of random (incompressible) data, stored uncompressed.</summary>
    private static byte[] BuildContext(int fillerBytes)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.NoCompression, leaveOpen: true))
        using (var tar = new TarWriter(gzip))
        {
            var dockerfile = Encoding.UTF8.GetBytes("FROM scratch\nCOPY Dockerfile /Dockerfile\n");
            tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "Dockerfile") { DataStream = new MemoryStream(dockerfile) });
            var filler = new byte[fillerBytes];
            System.Security.Cryptography.RandomNumberGenerator.Fill(filler);
            tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "filler.bin") { DataStream = new MemoryStream(filler) });
        }

        return output.ToArray();
    }

    private static string ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        return new StreamReader(stream).ReadToEnd();
    }
}
