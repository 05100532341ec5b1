using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Npgsql;
using PersonalCloud.Contracts.Api;
using PersonalCloud.Integration.Tests.Support;

namespace PersonalCloud.Integration.Tests.Platform.Drills;

/// <summary>
/// Issue 9, item 4: anonymous clients flooding the dashboard's hostname through Caddy are rate-limited before anything
/// touches Postgres, their rejected calls are audited as a few counted rows, the owner keeps working, and audit rows
/// older than the retention are deleted.
/// </summary>
[Category("Integration")]
[Category("Drill")]
// Alone: it floods the shared proxy and API, and counts the anonymous audit rows of its window.
[NonParallelizable]
public sealed class AnonymousFloodDrills : PlatformTest
{
    private const int Connections = 100;
    private const int RequestsPerConnection = 10;
    private const int DefaultRetentionDays = 90;
    private const int DefaultPoolSize = 20;

    [Test]
    public async Task AnonymousFlood_ThroughCaddy_IsRateLimited_AuditedAsAFewCountedRows_AndTheOwnerKeepsWorking()
    {
        var attacker = EdgeClient.NewAddress();
        using var flood = EdgeClient.Create(Platform, attacker, maxConnections: Connections);
        flood.BaseAddress = EdgeClient.DashboardHttps(Platform);
        // The page is served without Postgres or the limiter: it only waits for the dashboard's certificate.
        await Eventually.UntilAsync(async () => (await flood.GetAsync("/")).StatusCode == HttpStatusCode.OK, TimeSpan.FromSeconds(30),
            "the dashboard answers over HTTPS through Caddy");
        // The owner, through Caddy from the very address that floods, with the token: authenticated calls are never limited.
        using var ownerAtTheEdge = EdgeClient.Create(Platform, attacker);
        ownerAtTheEdge.BaseAddress = EdgeClient.DashboardHttps(Platform);
        ownerAtTheEdge.DefaultRequestHeaders.Authorization = new("Bearer", Platform.ApiToken);

        var statuses = new ConcurrentBag<HttpStatusCode>();
        var clock = Stopwatch.StartNew();
        var flooding = Task.WhenAll(Enumerable.Range(0, Connections).Select(async _ =>
        {
            for (var i = 0; i < RequestsPerConnection; i++)
            {
                using var response = await flood.PostAsJsonAsync("/api/apps", new CreateAppRequest("flood"));
                statuses.Add(response.StatusCode);
            }
        }));
        var poolSample = SampleControlPlaneConnectionsAsync(flooding);

        var owner = new List<string>();
        var rounds = 0;
        for (; !flooding.IsCompleted || rounds == 0; rounds++)
            owner.AddRange(await OwnerRoundAsync(ownerAtTheEdge));
        await flooding;
        var elapsed = clock.Elapsed;
        var mostConnections = await poolSample;

        owner.Should().BeEmpty("every call of the owner answers correctly during the flood");
        statuses.Should().OnlyContain(s => s == HttpStatusCode.Unauthorized || s == HttpStatusCode.TooManyRequests);
        var limited = statuses.Count(s => s == HttpStatusCode.TooManyRequests);
        TestContext.Progress.WriteLine($"flood of {statuses.Count} anonymous calls in {elapsed.TotalSeconds:0.0} s: " +
            $"{statuses.Count - limited} answered 401, {limited} answered 429; the owner did {rounds} rounds meanwhile; the ControlPlane held at most {mostConnections} Postgres connections");
        limited.Should().BePositive("anonymous calls beyond the address's budget are refused before any handler");
        mostConnections.Should().BeInRange(1, DefaultPoolSize, "the ControlPlane's pool is bounded (PCLOUD_DATABASE_POOL_SIZE)");

        // Every call is accounted for, in a handful of rows: at most one per status and window.
        (long Rows, long Calls) audited = default;
        await Eventually.UntilAsync(async () => (audited = await AuditedFromAsync(attacker)).Calls == statuses.Count, TimeSpan.FromSeconds(30),
            () => $"the rows of {attacker} count all {statuses.Count} calls (last: {audited.Rows} rows counting {audited.Calls})");
        var windows = (int)Math.Ceiling(elapsed.TotalSeconds / PlatformFixture.AuditAnonymousWindowSeconds) + 2;
        audited.Rows.Should().BeLessThanOrEqualTo(2 * windows, $"{statuses.Count} calls of two kinds (401, 429) over {windows} windows");
    }

    [Test]
    public async Task AuditRows_OlderThanTheRetention_AreDeleted_NewerOnesKept()
    {
        var marker = "retention-" + Guid.NewGuid().ToString("N");
        await using var connection = new NpgsqlConnection(Platform.DatabaseUrl);
        await connection.OpenAsync();
        await using (var insert = new NpgsqlCommand(
            """
            INSERT INTO audit_log (at, actor, method, route, path, status_code, duration_ms)
            VALUES (now() - make_interval(days => $1 + 1), $2, 'POST', '/api/apps', '/api/apps', 201, 1),
                   (now() - make_interval(days => $1 - 1), $2, 'POST', '/api/apps', '/api/apps', 201, 1)
            """, connection))
        {
            insert.Parameters.AddWithValue(DefaultRetentionDays);
            insert.Parameters.AddWithValue(marker);
            await insert.ExecuteNonQueryAsync();
        }

        await using var ages = new NpgsqlCommand("SELECT floor(extract(epoch FROM now() - at) / 86400)::int FROM audit_log WHERE actor = $1", connection);
        ages.Parameters.AddWithValue(marker);
        var kept = new List<int>();
        await Eventually.UntilAsync(async () =>
        {
            kept.Clear();
            await using var reader = await ages.ExecuteReaderAsync();
            while (await reader.ReadAsync())
                kept.Add(reader.GetInt32(0));
            return kept.Count == 1;
        }, TimeSpan.FromSeconds(30), () => $"the row older than {DefaultRetentionDays} days is deleted (rows aged {string.Join(", ", kept)} days)");
        kept.Should().Equal([DefaultRetentionDays - 1], "a row within the retention stays");
    }

    /// <summary>One round of the owner's work; what went wrong, if anything.</summary>
    private async Task<List<string>> OwnerRoundAsync(HttpClient ownerAtTheEdge)
    {
        var problems = new List<string>();
        var name = PlatformApi.UniqueName("owner");
        using var created = await Api.Http.PostAsJsonAsync("/api/apps", new CreateAppRequest(name));
        if (created.StatusCode != HttpStatusCode.Created)
            return [$"create answered {(int)created.StatusCode}: {await created.Content.ReadAsStringAsync()}"];
        var app = (await created.Content.ReadFromJsonAsync<AppResponse>())!;
        using var listed = await ownerAtTheEdge.GetAsync("/api/apps");
        var names = listed.IsSuccessStatusCode ? (await listed.Content.ReadFromJsonAsync<List<AppResponse>>())!.Select(a => a.Name).ToList() : [];
        if (!names.Contains(name))
            problems.Add($"the list through Caddy answered {(int)listed.StatusCode} without {name}");
        using var deleted = await Api.Http.DeleteAsync($"/api/apps/{app.Id}");
        if (deleted.StatusCode != HttpStatusCode.Accepted)
            problems.Add($"delete answered {(int)deleted.StatusCode}");
        return problems;
    }

    /// <summary>The most connections the ControlPlane held to Postgres (by its application name) while <paramref name="until"/> ran.</summary>
    private async Task<long> SampleControlPlaneConnectionsAsync(Task until)
    {
        await using var connection = new NpgsqlConnection(Platform.DatabaseUrl);
        await connection.OpenAsync();
        await using var count = new NpgsqlCommand("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'pcloud-controlplane'", connection);
        long most = 0;
        do
        {
            most = Math.Max(most, (long)(await count.ExecuteScalarAsync())!);
            await Task.WhenAny(until, Task.Delay(TimeSpan.FromMilliseconds(100)));
        }
        while (!until.IsCompleted);
        return most;
    }

    private async Task<(long Rows, long Calls)> AuditedFromAsync(IPAddress address)
    {
        await using var connection = new NpgsqlConnection(Platform.DatabaseUrl);
        await connection.OpenAsync();
        await using var query = new NpgsqlCommand("SELECT count(*), coalesce(sum(count), 0)::bigint FROM audit_log WHERE remote_ip = $1", connection);
        query.Parameters.AddWithValue(address.ToString());
        await using var reader = await query.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt64(0), reader.GetInt64(1));
    }
}
