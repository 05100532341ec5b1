using Dapper;
using Npgsql;
using PersonalCloud.Contracts.Apps;
using PersonalCloud.Integration.Tests.Support;

namespace PersonalCloud.Integration.Tests.Platform;

/// <summary>The reconciler records each container's life for the dashboard's "under the hood" view.</summary>
[Category("Integration")]
public sealed class ContainerLifecycleTests
{
    [Test]
    public async Task Restart_RecordsTheOldContainersWholeLife_InOrder_AndADockerRunWithoutSecrets()
    {
        var platform = PlatformFixture.Current;
        var api = new PlatformApi(platform);
        var app = await api.CreateAppAsync(PlatformApi.UniqueName("lifecycle"));
        var secret = "lifecycle-secret-" + Guid.NewGuid().ToString("N");
        await api.SetEnvAsync(app.Id, new Dictionary<string, string?> { ["API_KEY"] = secret });
        var deploy = await api.DeployAsync(app.Id, platform.HelloImage);
        await api.WaitForAsync(app.Id, deploy.Generation, AppStatus.Running);
        var restart = await api.RestartAsync(app.Id);
        await api.WaitForAsync(app.Id, restart.Generation, AppStatus.Running);

        IReadOnlyList<Row> rows = [];
        await Eventually.UntilAsync(async () =>
        {
            await using var connection = new NpgsqlConnection(platform.DatabaseUrl);
            rows = (await connection.QueryAsync<Row>(
                """
                SELECT container_id AS ContainerId, docker_run AS DockerRun, created_at AS CreatedAt, started_at AS StartedAt, healthy_at AS HealthyAt,
                       serving_at AS ServingAt, draining_at AS DrainingAt, removed_at AS RemovedAt, removal_reason AS RemovalReason
                FROM app_containers WHERE app_id = @Id ORDER BY created_at
                """, new { app.Id })).AsList();
            return rows.Count == 2 && rows[0].RemovedAt is not null;
        }, PlatformApi.ConvergeTimeout, () => $"the first container is recorded as removed ({rows.Count} rows)");

        var first = rows[0];
        new[] { first.CreatedAt, first.StartedAt, first.HealthyAt, first.ServingAt, first.DrainingAt, first.RemovedAt }
            .Should().NotContainNulls().And.BeInAscendingOrder();
        first.RemovalReason.Should().Contain("drained");
        rows[1].ServingAt.Should().NotBeNull();
        rows[1].DrainingAt.Should().BeNull();
        rows.Should().OnlyContain(r => r.DockerRun.StartsWith("docker run", StringComparison.Ordinal) && r.DockerRun.Contains("--env API_KEY ") && !r.DockerRun.Contains(secret));
    }

    private sealed record Row
    {
        public string ContainerId { get; init; } = "";
        public string DockerRun { get; init; } = "";
        public DateTime? CreatedAt { get; init; }
        public DateTime? StartedAt { get; init; }
        public DateTime? HealthyAt { get; init; }
        public DateTime? ServingAt { get; init; }
        public DateTime? DrainingAt { get; init; }
        public DateTime? RemovedAt { get; init; }
        public string? RemovalReason { get; init; }
    }
}
