using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using PersonalCloud.Reconciler.Routing;

namespace PersonalCloud.Integration.Tests.Routing;

/// <summary>The routing table against real Postgres: what it stores, what a restarted reconciler loads, and failures.</summary>
[Category("Integration")]
public sealed class RouteTableTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private FakeTimeProvider _time = null!;
    private RouteTable _table = null!;

    [SetUp]
    public void SetUp()
    {
        _time = new FakeTimeProvider(Start);
        _table = NewTable();
    }

    [TearDown]
    public void TearDown() => _table.Dispose();

    [Test]
    public async Task Apply_NewRoute_IsStoredNormalizedAndARestartedTableLoadsIt()
    {
        var generated = RoutingStack.NewRoute("10.0.0.3:80", "10.0.0.2:80");
        var route = generated with { Hostnames = [generated.Hostnames[0].ToUpperInvariant() + "."] };

        (await _table.ApplyAsync(route.AppId, route, CancellationToken.None)).Should().BeTrue();

        var stored = await _table.GetAsync(route.AppId, CancellationToken.None);
        stored!.Route.Hostnames.Should().Equal(route.Hostnames[0].TrimEnd('.').ToLowerInvariant());
        stored.Route.Upstreams.Should().Equal("10.0.0.2:80", "10.0.0.3:80");
        stored.UpdatedAt.Should().Be(Start);
        using var restarted = NewTable();
        await restarted.LoadAsync(CancellationToken.None);
        restarted.Loaded.IsCompletedSuccessfully.Should().BeTrue();
        restarted.Snapshot.OwnerOf(route.Hostnames[0])!.Observed.Should().BeEquivalentTo(stored);
    }

    [Test]
    public async Task Apply_SameRouteAgain_ChangesNothing()
    {
        var route = RoutingStack.NewRoute("10.0.0.2:80");
        await _table.ApplyAsync(route.AppId, route, CancellationToken.None);
        _time.Advance(TimeSpan.FromMinutes(1));

        (await _table.ApplyAsync(route.AppId, route with { }, CancellationToken.None)).Should().BeFalse();

        (await _table.GetAsync(route.AppId, CancellationToken.None))!.UpdatedAt.Should().Be(Start);
    }

    [Test]
    public async Task Apply_HostnameChange_KeepsUpdatedAt_UpstreamChange_MovesIt()
    {
        var route = RoutingStack.NewRoute("10.0.0.2:80");
        await _table.ApplyAsync(route.AppId, route, CancellationToken.None);

        _time.Advance(TimeSpan.FromMinutes(1));
        (await _table.ApplyAsync(route.AppId, route with { Hostnames = [.. route.Hostnames, $"x-{route.AppId:N}.example.org"] }, CancellationToken.None)).Should().BeTrue();
        (await _table.GetAsync(route.AppId, CancellationToken.None))!.UpdatedAt.Should().Be(Start);

        _time.Advance(TimeSpan.FromMinutes(1));
        (await _table.ApplyAsync(route.AppId, route with { Upstreams = ["10.0.0.9:80"] }, CancellationToken.None)).Should().BeTrue();
        var moved = await _table.GetAsync(route.AppId, CancellationToken.None);
        moved!.UpdatedAt.Should().Be(Start.AddMinutes(2));
        moved.Route.Hostnames.Should().ContainSingle("the desired route replaces the stored one");
    }

    [Test]
    public async Task Apply_Null_RemovesTheRowAndItsHostnames()
    {
        var route = RoutingStack.NewRoute("10.0.0.2:80");
        await _table.ApplyAsync(route.AppId, route, CancellationToken.None);

        (await _table.ApplyAsync(route.AppId, null, CancellationToken.None)).Should().BeTrue();
        (await _table.ApplyAsync(route.AppId, null, CancellationToken.None)).Should().BeFalse();

        (await _table.GetAsync(route.AppId, CancellationToken.None)).Should().BeNull();
        _table.Snapshot.OwnerOf(route.Hostnames[0]).Should().BeNull();
    }

    [Test]
    public async Task Prune_RemovesRowsOfUnknownAppsOnly()
    {
        var kept = RoutingStack.NewRoute("10.0.0.2:80");
        var pruned = RoutingStack.NewRoute("10.0.0.3:80");
        await _table.ApplyAsync(kept.AppId, kept, CancellationToken.None);
        await _table.ApplyAsync(pruned.AppId, pruned, CancellationToken.None);
        await _table.LoadAsync(CancellationToken.None);
        var known = _table.Snapshot.Routes.Select(r => r.AppId).Where(id => id != pruned.AppId).ToHashSet();

        (await _table.PruneAsync(known, CancellationToken.None)).Should().BeTrue();
        (await _table.PruneAsync(known, CancellationToken.None)).Should().BeFalse();

        (await _table.GetAsync(pruned.AppId, CancellationToken.None)).Should().BeNull();
        (await _table.GetAsync(kept.AppId, CancellationToken.None)).Should().NotBeNull();
        _table.Snapshot.Get(pruned.AppId).Should().BeNull();
    }

    [Test]
    public async Task Load_HostnameTwoAppsClaim_BelongsToTheEarlierCreatedAppWhicheverWasAppliedFirst()
    {
        var older = await InsertAppAsync(Start.AddDays(-2));
        var newer = await InsertAppAsync(Start.AddDays(-1));
        var shared = $"shared-{older:N}.example.org";
        await _table.ApplyAsync(newer, new AppRoute(newer, "newer", [shared], ["10.0.0.3:80"]), CancellationToken.None);
        await _table.ApplyAsync(older, new AppRoute(older, "older", [shared], ["10.0.0.2:80"]), CancellationToken.None);

        _table.Snapshot.OwnerOf(shared)!.AppId.Should().Be(older);
        using var restarted = NewTable();
        await restarted.LoadAsync(CancellationToken.None);
        restarted.Snapshot.OwnerOf(shared)!.AppId.Should().Be(older);
        restarted.Snapshot.IgnoredClaims.Should().Contain((shared, newer));
    }

    [Test]
    public async Task Load_WhenPostgresDoesNotAnswer_ThrowsAndNeverCountsAsLoaded()
    {
        await using var nowhere = NpgsqlDataSource.Create($"Host=127.0.0.1;Port={TestUpstream.FreePort()};Username=nobody;Database=none;Timeout=2");
        using var table = new RouteTable(nowhere, _time, NullLogger<RouteTable>.Instance);

        var load = () => table.LoadAsync(CancellationToken.None);
        var get = () => table.GetAsync(Guid.NewGuid(), CancellationToken.None);

        await load.Should().ThrowAsync<NpgsqlException>();
        await get.Should().ThrowAsync<NpgsqlException>();
        table.Loaded.IsCompleted.Should().BeFalse("the DNS responder must not start on an empty table that stands for a failed read");
    }

    private RouteTable NewTable() => new(RoutingDatabase.DataSource, _time, NullLogger<RouteTable>.Instance);

    private static async Task<Guid> InsertAppAsync(DateTimeOffset createdAt)
    {
        var id = Guid.NewGuid();
        var name = $"rt-{id:N}"[..20];
        await using var connection = await RoutingDatabase.DataSource.OpenConnectionAsync();
        await connection.ExecuteAsync("""
            INSERT INTO apps (id, owner_id, name, memory_mb, cpus, pids_limit, generated_hostname, created_at)
            VALUES (@id, 'tests', @name, 256, 0.5, 256, @hostname, @createdAt)
            """, new { id, name, hostname = name + ".localhost", createdAt = createdAt.UtcDateTime });
        return id;
    }
}
