using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using PersonalCloud.Contracts.Api;
using PersonalCloud.Contracts.Apps;
using PersonalCloud.Integration.Tests.Support;

namespace PersonalCloud.Integration.Tests.Platform.Drills;

/// <summary>A hostname is one app's, whoever asks for it at the same moment: the database decides, not a SELECT before an INSERT.</summary>
[Category("Integration")]
[Category("Drill")]
public sealed class HostnameOwnershipDrills : PlatformTest
{
    private const int Rounds = 12;
    private const string HolderGreeting = "domain-holder";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    [Test]
    public async Task CreatingAnApp_WhileAnotherAppAddsItsHostnameAsADomain_ExactlyOneWins_AndTheRouteServesTheWinner()
    {
        var holder = await Api.CreateAppAsync(PlatformApi.UniqueName("holder"), Platform.HelloImage);
        var created = new List<Guid>();
        try
        {
            var env = await Api.SetEnvAsync(holder.Id, new Dictionary<string, string?> { ["GREETING"] = HolderGreeting });
            await Api.WaitForAsync(holder.Id, env.Generation, AppStatus.Running);

            var outcomes = new List<(string Hostname, HttpStatusCode App, HttpStatusCode Domain, string Loser, Guid? AppId)>();
            for (var round = 0; round < Rounds; round++)
            {
                var name = PlatformApi.UniqueName("race");
                var hostname = $"{name}.{PlatformFixture.BaseDomain}";
                using var start = new SemaphoreSlim(0, 2);
                var createApp = SendAfterAsync(start, () => Api.Http.PostAsJsonAsync("/api/apps", new CreateAppRequest(name, Platform.HelloImage)));
                var addDomain = SendAfterAsync(start, () => Api.Http.PostAsJsonAsync($"/api/apps/{holder.Id}/domains", new AddDomainRequest(hostname)));
                start.Release(2);
                using var app = await createApp;
                using var domain = await addDomain;

                Guid? appId = app.StatusCode == HttpStatusCode.Created ? (await app.Content.ReadFromJsonAsync<AppResponse>(Json))!.Id : null;
                if (appId is { } id)
                    created.Add(id);
                var loser = app.StatusCode == HttpStatusCode.Created ? domain : app;
                outcomes.Add((hostname, app.StatusCode, domain.StatusCode, $"{(int)loser.StatusCode} {await loser.Content.ReadAsStringAsync()}", appId));
            }

            foreach (var o in outcomes)
                TestContext.Out.WriteLine($"{o.Hostname}: create app {(int)o.App}, add domain {(int)o.Domain}; loser: {o.Loser}");
            outcomes.Should().OnlyContain(o => (o.App == HttpStatusCode.Created) != (o.Domain == HttpStatusCode.Created),
                "in every round exactly one of the two requests gets the hostname");
            outcomes.Should().OnlyContain(o => o.Loser.StartsWith("409 ", StringComparison.Ordinal) && o.Loser.Contains("/problems/hostname-taken"),
                "the other one is told the hostname is taken");

            var apps = await Api.GetAsync<IReadOnlyList<AppResponse>>("/api/apps");
            foreach (var o in outcomes)
            {
                apps.Count(a => a.GeneratedHostname == o.Hostname || a.Domains.Contains(o.Hostname)).Should().Be(1, $"{o.Hostname} is one app's");
                // The winner serves: the holder's page names its greeting, a new app's has none.
                var expected = o.AppId is null ? $"greeting={HolderGreeting}" : "greeting=";
                var last = "";
                await Eventually.UntilAsync(async () =>
                {
                    var (status, body) = await Api.GetThroughProxyAsync(o.Hostname);
                    last = $"{(int)status} {body.Trim()}";
                    return status == HttpStatusCode.OK && body.Trim() == expected;
                }, PlatformApi.ConvergeTimeout, () => $"{o.Hostname} serves {(o.AppId is null ? "the domain's holder" : "the new app")} (last: {last})");
            }
        }
        finally
        {
            foreach (var id in created)
                await SandboxApps.DeleteAsync(Api, id);
            await SandboxApps.DeleteAsync(Api, holder.Id);
        }
    }

    [Test]
    public async Task AHostnameReleasedByADeletedApp_CanBeClaimedAgain()
    {
        var first = await Api.CreateAppAsync(PlatformApi.UniqueName("release"));
        var other = await Api.CreateAppAsync(PlatformApi.UniqueName("claimer"));
        try
        {
            var domain = $"{first.Name}.example.test";
            (await Api.Http.PostAsJsonAsync($"/api/apps/{first.Id}/domains", new AddDomainRequest(domain))).StatusCode.Should().Be(HttpStatusCode.Created);
            (await Api.Http.PostAsJsonAsync($"/api/apps/{other.Id}/domains", new AddDomainRequest(first.GeneratedHostname))).StatusCode.Should().Be(HttpStatusCode.Conflict);

            (await Api.Http.DeleteAsync($"/api/apps/{first.Id}/domains/{domain}")).StatusCode.Should().Be(HttpStatusCode.NoContent);
            (await Api.Http.PostAsJsonAsync($"/api/apps/{other.Id}/domains", new AddDomainRequest(domain))).StatusCode.Should().Be(HttpStatusCode.Created,
                "a removed domain is free again");

            (await Api.Http.DeleteAsync($"/api/apps/{first.Id}")).StatusCode.Should().Be(HttpStatusCode.Accepted);
            (await Api.Http.PostAsJsonAsync($"/api/apps/{other.Id}/domains", new AddDomainRequest(first.GeneratedHostname))).StatusCode.Should().Be(HttpStatusCode.Created,
                "a deleted app's generated hostname is free again");
            var again = await Api.Http.PostAsJsonAsync("/api/apps", new CreateAppRequest(first.Name));
            again.StatusCode.Should().Be(HttpStatusCode.Conflict, "the name is free but its hostname is now another app's domain");
            (await again.Content.ReadAsStringAsync()).Should().Contain("/problems/hostname-taken");
        }
        finally
        {
            await SandboxApps.DeleteAsync(Api, other.Id);
            await SandboxApps.DeleteAsync(Api, first.Id);
        }
    }

    private static async Task<HttpResponseMessage> SendAfterAsync(SemaphoreSlim start, Func<Task<HttpResponseMessage>> send)
    {
        await start.WaitAsync();
        return await send();
    }
}
