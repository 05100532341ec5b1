using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using PersonalCloud.Contracts.Api;

namespace PersonalCloud.Integration.Tests.Platform;

/// <summary>Bad input gets an RFC 9457 problem and changes nothing.</summary>
[Category("Integration")]
// Alone: one test compares the list of every app before and after, which other tests change.
[NonParallelizable]
public sealed class ApiContractTests : PlatformTest
{
    [Test]
    public async Task Api_WithoutToken_Answers401Problem()
    {
        using var anonymous = new HttpClient { BaseAddress = Api.Http.BaseAddress };
        var response = await anonymous.GetAsync("/api/apps");
        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");

        anonymous.DefaultRequestHeaders.Authorization = new("Bearer", "wrong-token");
        (await anonymous.GetAsync("/api/apps")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Test]
    public async Task Healthz_AndOpenApi_AnswerWithoutToken()
    {
        using var anonymous = new HttpClient { BaseAddress = Api.Http.BaseAddress };
        (await anonymous.GetAsync("/healthz")).StatusCode.Should().Be(HttpStatusCode.OK);
        var openApi = await anonymous.GetStringAsync("/openapi/v1.json");
        openApi.Should().Contain("/api/apps/{id}/deploy");
    }

    [TestCase("Upper")]
    [TestCase("-leading")]
    [TestCase("has_underscore")]
    [TestCase("")]
    [TestCase("dashboard")]
    public async Task CreateApp_WithInvalidName_Answers400ProblemAndCreatesNothing(string name)
    {
        var before = await Api.GetAsync<IReadOnlyList<AppResponse>>("/api/apps");
        var response = await Api.Http.PostAsJsonAsync("/api/apps", new CreateAppRequest(name));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        problem.GetProperty("type").GetString().Should().EndWith("/validation");
        problem.GetProperty("errors").TryGetProperty("name", out _).Should().BeTrue();
        (await Api.GetAsync<IReadOnlyList<AppResponse>>("/api/apps")).Select(a => a.Id).Should().BeEquivalentTo(before.Select(a => a.Id));
    }

    [Test]
    public async Task CreateApp_WithTakenName_Answers409()
    {
        var name = PlatformApi.UniqueName("dup");
        await Api.CreateAppAsync(name);
        var response = await Api.Http.PostAsJsonAsync("/api/apps", new CreateAppRequest(name));
        response.StatusCode.Should().Be(HttpStatusCode.Conflict);
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type").GetString().Should().EndWith("/conflict");
    }

    [Test]
    public async Task UnknownApp_Answers404Problem()
    {
        var response = await Api.Http.PostAsJsonAsync($"/api/apps/{Guid.NewGuid()}/deploy", new DeployRequest("x:1"));
        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type").GetString().Should().EndWith("/not-found");
    }

    [Test]
    public async Task Deploy_WithInvalidImage_Answers400AndCreatesNoRelease()
    {
        var app = await Api.CreateAppAsync(PlatformApi.UniqueName("badimage"));
        var response = await Api.Http.PostAsJsonAsync($"/api/apps/{app.Id}/deploy", new DeployRequest("NOT A REF"));
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await Api.GetAsync<IReadOnlyList<ReleaseResponse>>($"/api/apps/{app.Id}/releases")).Should().BeEmpty();
    }

    [Test]
    public async Task SetEnv_WithInvalidKey_Answers400AndStoresNothing()
    {
        var app = await Api.CreateAppAsync(PlatformApi.UniqueName("badenv"));
        var response = await Api.Http.PostAsJsonAsync($"/api/apps/{app.Id}/env",
            new SetEnvRequest(new Dictionary<string, string?> { ["GOOD"] = "1", ["1BAD"] = "2" }));
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await Api.GetAsync<IReadOnlyList<EnvVarResponse>>($"/api/apps/{app.Id}/env")).Should().BeEmpty();
    }

    [Test]
    public async Task AddDomain_HeldByAnotherApp_Answers409()
    {
        var first = await Api.CreateAppAsync(PlatformApi.UniqueName("doma"));
        var second = await Api.CreateAppAsync(PlatformApi.UniqueName("domb"));
        var hostname = $"{first.Name}.example.test";

        (await Api.Http.PostAsJsonAsync($"/api/apps/{first.Id}/domains", new AddDomainRequest(hostname))).StatusCode.Should().Be(HttpStatusCode.Created);
        (await Api.Http.PostAsJsonAsync($"/api/apps/{second.Id}/domains", new AddDomainRequest(hostname))).StatusCode.Should().Be(HttpStatusCode.Conflict);
        (await Api.Http.PostAsJsonAsync($"/api/apps/{second.Id}/domains", new AddDomainRequest(first.GeneratedHostname))).StatusCode.Should().Be(HttpStatusCode.Conflict);
        (await Api.Http.PostAsJsonAsync($"/api/apps/{second.Id}/domains", new AddDomainRequest("not a host"))).StatusCode.Should().Be(HttpStatusCode.BadRequest);

        var app = await Api.GetAppAsync(first.Id);
        app!.Domains.Should().Equal(hostname);
    }

    [Test]
    public async Task Restart_OfAnAppNeverDeployed_Answers409()
    {
        var app = await Api.CreateAppAsync(PlatformApi.UniqueName("norestart"));
        (await Api.Http.PostAsync($"/api/apps/{app.Id}/restart", null)).StatusCode.Should().Be(HttpStatusCode.Conflict);
    }

    [TestCase("POST", "/api/apps", "{\"name\":", 400, "invalid-json", TestName = "MalformedJson_AnswersItsOwnProblemType")]
    [TestCase("POST", "/api/apps", "{\"name\":\"x\",\"port\":\"8080\"}", 400, "invalid-json", TestName = "ANumberSentAsAString_AnswersInvalidJson")]
    [TestCase("GET", "/api/no-such-thing", null, 404, "not-found", TestName = "AnUnknownApiPath_AnswersNotFound")]
    [TestCase("PUT", "/api/apps", "{}", 405, "method-not-allowed", TestName = "AMethodThePathDoesNotTake_AnswersMethodNotAllowed")]
    [TestCase("GET", "/api/audit?limit=abc", null, 400, "validation", TestName = "AQueryValueOfTheWrongType_AnswersValidationNamingIt")]
    public async Task EveryErrorKind_HasItsOwnStableProblemType(string method, string path, string? body, int status, string kind)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (body is not null)
            request.Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        using var response = await Api.Http.SendAsync(request);

        ((int)response.StatusCode).Should().Be(status, await response.Content.ReadAsStringAsync());
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type").GetString()
            .Should().Be("https://personalcloud.dev/problems/" + kind);
    }
}
