using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Mvc;
using Npgsql;
using PersonalCloud.Contracts.Addons;
using PersonalCloud.Contracts.Api;
using PersonalCloud.Contracts.Apps;
using PersonalCloud.Integration.Tests.Platform;
using PersonalCloud.Integration.Tests.Support;
using PersonalCloud.Reconciler.Containers;

namespace PersonalCloud.Integration.Tests.Platform.Addons;

/// <summary>The add-on's server outlives a reconciler SIGKILL: the restarted reconciler adopts it by its labels.</summary>
// Alone: kills the shared reconciler.
[Category("Integration")]
[NonParallelizable]
public sealed class PostgresAddonRestartTests
{
    [Test]
    public async Task AReconcilerKilledAndRestarted_AdoptsTheRunningServer_AndTheDataStays()
    {
        var platform = PlatformFixture.Current;
        var api = new PlatformApi(platform);
        var addons = new AddonsApi(platform, api);
        var app = await addons.RunningAppAsync("pgkill");
        try
        {
            await addons.AddPostgresAsync(app.Id);
            await addons.WaitReadyAsync(app.Id);
            var network = ContainerSpecs.NetworkName(app.Id);
            var url = await addons.RevealAsync(app.Id);
            var table = "k" + Guid.NewGuid().ToString("N")[..8];
            (await addons.PsqlAsync(network, url, $"CREATE TABLE {table} AS SELECT 42 AS n")).ExitCode.Should().Be(0);
            var before = (await addons.ServerContainersAsync(app.Id)).Should().ContainSingle().Subject.ID;

            await platform.ReconcilerProcess.KillAsync();
            var restartedAt = DateTime.UtcNow;
            platform.StartReconciler();
            // Its first pass writes the status again (it keeps no memory across a restart).
            await Eventually.UntilAsync(async () =>
            {
                await using var connection = new NpgsqlConnection(platform.DatabaseUrl);
                await connection.OpenAsync();
                await using var read = new NpgsqlCommand("SELECT state = 'ready' AND updated_at > $2 FROM addon_status WHERE app_id = $1", connection);
                read.Parameters.AddWithValue(app.Id);
                read.Parameters.AddWithValue(restartedAt);
                return await read.ExecuteScalarAsync() is true;
            }, AddonsApi.ReadyTimeout, "the restarted reconciler reports the add-on ready");

            var after = (await addons.ServerContainersAsync(app.Id)).Should().ContainSingle().Subject;
            after.ID.Should().Be(before, "the server is found by its labels, not replaced");
            after.State.Should().Be("running");
            var read = await addons.PsqlAsync(network, url, $"SELECT n FROM {table}");
            read.Output.Trim().Should().Be("42");
        }
        finally
        {
            using (await api.Http.DeleteAsync($"/api/apps/{app.Id}")) { }
        }
    }
}
