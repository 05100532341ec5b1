using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using Npgsql;
using PersonalCloud.Contracts.Api;
using PersonalCloud.Integration.Tests.Support;

namespace PersonalCloud.Integration.Tests.Platform;

/// <summary>Every mutating call lands in audit_log, answered or rejected, and no secret value ever does.</summary>
[Category("Integration")]
public sealed class AuditTests : PlatformTest
{
    [Test]
    public async Task Mutations_AreRecordedWithActorStatusAndSummary_AndNeverTheEnvValue()
    {
        var secret = "audit-secret-" + Guid.NewGuid().ToString("N");
        var name = PlatformApi.UniqueName("audited");
        var app = await Api.CreateAppAsync(name);
        await Api.SetEnvAsync(app.Id, new Dictionary<string, string?> { ["DB_PASSWORD"] = secret, ["OLD_KEY"] = null });
        (await Api.Http.GetAsync($"/api/apps/{app.Id}/env/DB_PASSWORD")).StatusCode.Should().Be(HttpStatusCode.OK);
        await Api.DeployAsync(app.Id, "pcloud-test/not-pulled:1");
        (await Api.Http.DeleteAsync($"/api/apps/{app.Id}")).StatusCode.Should().Be(HttpStatusCode.Accepted);

        // Written before each response started: no waiting needed.
        var entries = await Api.GetAsync<IReadOnlyList<AuditEntryResponse>>($"/api/audit?app={app.Id}");
        entries.Select(e => (e.Method, e.Route, e.StatusCode, e.Summary)).Should().Equal(
            ("DELETE", "/api/apps/{id:guid}", 202, $"delete app {name}"),
            ("POST", "/api/apps/{id:guid}/deploy", 202, "deploy image pcloud-test/not-pulled:1"),
            ("GET", "/api/apps/{id:guid}/env/{key}", 200, "reveal env key: DB_PASSWORD"),
            ("POST", "/api/apps/{id:guid}/env", 202, "set env keys: DB_PASSWORD; remove env keys: OLD_KEY"),
            ("POST", "/api/apps", 201, $"create app {name}"));
        entries.Should().OnlyContain(e => e.Actor == "owner (api token)" && e.AppId == app.Id && e.RemoteIp == "127.0.0.1" && e.DurationMs >= 0);
        entries[0].Path.Should().Be($"/api/apps/{app.Id}");
        entries[0].At.Should().BeCloseTo(DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5));

        (await RowsContainingAsync(secret)).Should().Be(0, "no column of any audit row holds the env value");
    }

    [Test]
    public async Task RejectedCalls_AreRecordedToo_400AsOwnerAnd401AsAnonymous()
    {
        var badName = "Bad_Name_" + Guid.NewGuid().ToString("N")[..8];
        (await Api.Http.PostAsJsonAsync("/api/apps", new CreateAppRequest(badName))).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var rejected = (await Api.GetAsync<IReadOnlyList<AuditEntryResponse>>("/api/audit?status=400&method=post&limit=1000"))
            .Should().ContainSingle(e => e.Summary == $"create app {badName}").Subject;
        rejected.Actor.Should().Be("owner (api token)");
        rejected.AppId.Should().BeNull();

        var target = Guid.NewGuid();
        var secret = "stolen-" + Guid.NewGuid().ToString("N");
        using var anonymous = new HttpClient { BaseAddress = Api.Http.BaseAddress };
        using var body = new StringContent($$$"""{"vars":{"X":"{{{secret}}}"}}""", Encoding.UTF8, "application/json");
        (await anonymous.PostAsync($"/api/apps/{target}/env", body)).StatusCode.Should().Be(HttpStatusCode.Unauthorized);

        // Anonymous calls are counted in memory and written at the end of their window (PCLOUD_AUDIT_ANONYMOUS_WINDOW_SECONDS).
        IReadOnlyList<AuditEntryResponse> rows = [];
        await Eventually.UntilAsync(async () => (rows = await Api.GetAsync<IReadOnlyList<AuditEntryResponse>>($"/api/audit?app={target}")).Count > 0,
            TimeSpan.FromSeconds(30), "the anonymous call's row is written once its window closes");
        var unauthorized = rows.Should().ContainSingle().Subject;
        unauthorized.Count.Should().Be(1);
        unauthorized.Actor.Should().Be("anonymous");
        unauthorized.StatusCode.Should().Be(401);
        unauthorized.Route.Should().Be("/api/apps/{id:guid}/env");
        unauthorized.Summary.Should().Be("set env", "an unauthenticated body is never read");
        (await RowsContainingAsync(secret)).Should().Be(0);
    }

    [Test]
    public async Task List_PagesNewestFirst_AndFilters()
    {
        var app = await Api.CreateAppAsync(PlatformApi.UniqueName("auditpages"));
        var started = DateTimeOffset.UtcNow.AddSeconds(-1);
        for (var i = 0; i < 5; i++)
            await Api.SetEnvAsync(app.Id, new Dictionary<string, string?> { [$"K{i}"] = "v" });

        var walked = new List<AuditEntryResponse>();
        string? next = $"/api/audit?app={app.Id}&limit=2";
        while (next is not null)
        {
            using var response = await Api.Http.GetAsync(next);
            var page = (await response.Content.ReadFromJsonAsync<IReadOnlyList<AuditEntryResponse>>())!;
            page.Count.Should().BeLessThanOrEqualTo(2);
            walked.AddRange(page);
            next = response.Headers.TryGetValues("X-Next-Before", out var before)
                ? $"/api/audit?app={app.Id}&limit=2&before={before.Single()}"
                : null;
        }

        walked.Select(e => e.Id).Should().BeInDescendingOrder().And.OnlyHaveUniqueItems().And.HaveCount(6);
        walked.Select(e => e.Summary).Should().Equal("set env keys: K4", "set env keys: K3", "set env keys: K2", "set env keys: K1", "set env keys: K0", $"create app {app.Name}");
        (await Api.GetAsync<IReadOnlyList<AuditEntryResponse>>($"/api/audit?app={app.Id}&since={Stamp(started)}&method=POST&status=202")).Should().HaveCount(5);
        (await Api.GetAsync<IReadOnlyList<AuditEntryResponse>>($"/api/audit?app={app.Id}&until={Stamp(started.AddHours(-1))}")).Should().BeEmpty();
        (await Api.Http.GetAsync("/api/audit?status=abc")).StatusCode.Should().Be(HttpStatusCode.BadRequest);
    }

    [Test]
    public async Task DeletingAnUnknownApp_IsRecordedAs404()
    {
        var id = Guid.NewGuid();
        (await Api.Http.DeleteAsync($"/api/apps/{id}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        var entry = (await Api.GetAsync<IReadOnlyList<AuditEntryResponse>>($"/api/audit?app={id}")).Should().ContainSingle().Subject;
        entry.StatusCode.Should().Be(404);
        entry.Summary.Should().Be($"delete app {id}");
    }

    private async Task<long> RowsContainingAsync(string text)
    {
        await using var connection = new NpgsqlConnection(Platform.DatabaseUrl);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM audit_log a WHERE a::text LIKE '%' || $1 || '%'", connection);
        command.Parameters.AddWithValue(text);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static string Stamp(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
}
