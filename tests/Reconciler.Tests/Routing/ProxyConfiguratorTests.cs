using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using PersonalCloud.Reconciler.Routing;

namespace PersonalCloud.Reconciler.Tests.Routing;

public sealed class ProxyConfiguratorTests
{
    private static readonly ProxySettings Settings = CaddyConfigBuilderTests.LocalSettings;

    private FakeCaddyAdmin _caddy = null!;
    private RecordedConfigs _record = null!;

    [SetUp]
    public void SetUp()
    {
        _caddy = new FakeCaddyAdmin();
        _record = new RecordedConfigs();
    }

    [Test]
    public async Task Ensure_OnACaddyWithoutConfig_LoadsTheStaticConfig()
    {
        (await Configurator(Settings).EnsureAsync(CancellationToken.None)).Should().BeTrue();

        _caddy.Loads.Should().Be(1);
        _caddy.Json.Should().Contain(CaddyConfigBuilder.NotFoundServerName);
    }

    [Test]
    public async Task Ensure_AgainWithSameSettings_LeavesCaddyAlone()
    {
        await Configurator(Settings).EnsureAsync(CancellationToken.None);

        // A restarted reconciler is a new configurator; Caddy returns the config with its keys sorted.
        (await Configurator(Settings with { }).EnsureAsync(CancellationToken.None)).Should().BeFalse();

        _caddy.Loads.Should().Be(1);
    }

    [Test]
    public async Task Ensure_WithChangedPorts_ReloadsCaddy()
    {
        await Configurator(Settings).EnsureAsync(CancellationToken.None);

        (await Configurator(Settings with { HttpPort = 8081 }).EnsureAsync(CancellationToken.None)).Should().BeTrue();

        _caddy.Loads.Should().Be(2);
        _caddy.Json.Should().Contain(":8081");
    }

    [Test]
    public async Task Ensure_RecordsTheConfigCaddyRuns_OnceAfterStartAndAgainOnlyWhenItChanges()
    {
        var configurator = Configurator(Settings);
        await configurator.EnsureAsync(CancellationToken.None);
        await configurator.EnsureAsync(CancellationToken.None);
        _record.Saved.Should().Equal(CaddyConfigBuilder.Serialize(CaddyConfigBuilder.Build(Settings)));

        // A restarted reconciler that finds Caddy already configured still writes it down (the table may be new).
        (await Configurator(Settings with { }).EnsureAsync(CancellationToken.None)).Should().BeFalse();
        _record.Saved.Should().HaveCount(2);

        await Configurator(Settings with { HttpPort = 8081 }).EnsureAsync(CancellationToken.None);
        _record.Saved[^1].Should().Contain(":8081");
    }

    [Test]
    public async Task Ensure_WhenCaddyRefusesTheConfig_RecordsNothing()
    {
        var act = () => new ProxyConfigurator(new RacingCaddyAdmin(_caddy), Settings, _record, NullLogger<ProxyConfigurator>.Instance)
            .EnsureAsync(CancellationToken.None);

        await act.Should().ThrowAsync<CaddyAdminException>();
        _record.Saved.Should().BeEmpty();
    }

    [Test]
    public async Task Ensure_WhenReadingCaddyFails_ThrowsAndLoadsNothing()
    {
        _caddy.FailReadsWith = new HttpRequestException("connection refused");

        var act = () => Configurator(Settings).EnsureAsync(CancellationToken.None);

        await act.Should().ThrowAsync<HttpRequestException>();
        _caddy.Loads.Should().Be(0);
    }

    [Test]
    public async Task Ensure_WhenSomeoneChangedTheConfigBetweenReadAndLoad_SurfacesPreconditionFailed()
    {
        var racing = new RacingCaddyAdmin(_caddy);
        var configurator = new ProxyConfigurator(racing, Settings, _record, NullLogger<ProxyConfigurator>.Instance);

        var act = () => configurator.EnsureAsync(CancellationToken.None);

        (await act.Should().ThrowAsync<CaddyAdminException>()).Which.StatusCode.Should().Be(HttpStatusCode.PreconditionFailed);
    }

    private ProxyConfigurator Configurator(ProxySettings settings) =>
        new(_caddy, settings, _record, NullLogger<ProxyConfigurator>.Instance);

    /// <summary>The configs written down for the dashboard, in order.</summary>
    private sealed class RecordedConfigs : ICaddyConfigRecord
    {
        public List<string> Saved { get; } = [];

        public Task SaveAsync(string json, CancellationToken cancellationToken)
        {
            Saved.Add(json);
            return Task.CompletedTask;
        }
    }

    /// <summary>Changes the config right after each read, as another writer would.</summary>
    private sealed class RacingCaddyAdmin(FakeCaddyAdmin inner) : ICaddyAdmin
    {
        public async Task<(System.Text.Json.Nodes.JsonNode? Apps, string? ETag)> GetAppsAsync(CancellationToken cancellationToken)
        {
            var result = await inner.GetAppsAsync(cancellationToken);
            inner.ChangeBehindTheBack();
            return result;
        }

        public Task LoadAppsAsync(CaddyApps apps, string? etag, CancellationToken cancellationToken) =>
            inner.LoadAppsAsync(apps, etag, cancellationToken);
    }
}
