using System.Net;
using System.Net.Http.Json;
using PersonalCloud.Contracts.Api;
using PersonalCloud.Contracts.Apps;
using PersonalCloud.Contracts.Labels;
using PersonalCloud.Contracts.Processes;
using PersonalCloud.Contracts.Volumes;
using PersonalCloud.Integration.Tests.Support;

namespace PersonalCloud.Integration.Tests.Platform.Volumes;

/// <summary>What an app writes to its volume outlives its containers: redeploys, restarts, rollbacks and a killed reconciler.</summary>
[Category("Integration")]
// Alone: kills the shared reconciler.
[NonParallelizable]
public sealed class VolumePersistenceTests : PlatformTest
{
    /// <summary>Each start of the web process appends a line to /data/boots (as the non-root user the app runs as) and serves /data.</summary>
    private const string WebCommand =
        "echo ok > /data/index.html && echo \"boot $(cat /proc/sys/kernel/random/uuid)\" >> /data/boots && exec httpd -f -p 8080 -h /data";

    private const string WorkerCommand = "while true; do sleep 1; done";

    [Test]
    public async Task FileWrittenByTheApp_SurvivesRedeployRestartRollbackAndAReconcilerKill()
    {
        var created = await Api.Http.PostAsJsonAsync("/api/apps", new CreateAppRequest(PlatformApi.UniqueName("vol"),
            Processes: [new ProcessRequest("web", ProcessKinds.Web, WebCommand), new ProcessRequest("worker", ProcessKinds.Worker, WorkerCommand)]));
        created.StatusCode.Should().Be(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var app = (await created.Content.ReadFromJsonAsync<AppResponse>())!;
        var volumes = new VolumesApi(Api, Platform);
        await volumes.AddAsync(app.Id, "data", "/data", "web");
        var volume = (await volumes.ListAsync(app.Id)).Single();
        var first = await Api.DeployAsync(app.Id, Platform.HelloImage);
        await new ProcessesApi(Api).WaitAllRunningAsync(app.Id, first.Generation);

        // The engine's view: a labelled local volume without driver options, mounted as a volume (never a bind) into web only.
        var docker = await volumes.InspectDockerAsync(volume.Id);
        docker.Driver.Should().Be("local");
        (docker.Options ?? new Dictionary<string, string>()).Should().BeEmpty("users never pass driver options (CIS 5.5/5.6)");
        docker.Labels.Should().Contain(ContainerLabels.Managed, ContainerLabels.ManagedValue).And.Contain(ContainerLabels.Instance, PlatformFixture.Instance)
            .And.Contain(ContainerLabels.AppId, app.Id.ToString("D")).And.Contain(ContainerLabels.AppName, app.Name)
            .And.Contain(VolumeNames.VolumeIdLabel, volume.Id.ToString("D")).And.Contain(VolumeNames.VolumeNameLabel, "data");
        var containers = await PlatformDocker.RunningContainersAsync(Platform, app.Id);
        var web = await Platform.Docker.Containers.InspectContainerAsync(containers.Single(c => c.Labels[ContainerLabels.Process] == "web").ID);
        var mount = web.Mounts.Single(m => m.Destination == "/data");
        mount.Type.Should().Be("volume");
        mount.Name.Should().Be(VolumeNames.DockerName(volume.Id));
        mount.RW.Should().BeTrue();
        web.HostConfig!.Binds.Should().BeNullOrEmpty();
        var worker = await Platform.Docker.Containers.InspectContainerAsync(containers.Single(c => c.Labels[ContainerLabels.Process] == "worker").ID);
        worker.Mounts.Should().NotContain(m => m.Name == VolumeNames.DockerName(volume.Id), "the volume is mounted into web only");

        var boots = await BootsAsync(app, 1);

        var redeploy = await Api.DeployAsync(app.Id, Platform.HelloImage);
        await Api.WaitForAsync(app.Id, redeploy.Generation, AppStatus.Running);
        boots = await BootsAsync(app, boots.Count + 1, boots);

        var restart = await Api.RestartAsync(app.Id);
        await Api.WaitForAsync(app.Id, restart.Generation, AppStatus.Running);
        boots = await BootsAsync(app, boots.Count + 1, boots);

        var rollback = await Api.Http.PostAsJsonAsync($"/api/apps/{app.Id}/rollback", new RollbackRequest(first.Release!.Id));
        rollback.StatusCode.Should().Be(HttpStatusCode.Accepted, await rollback.Content.ReadAsStringAsync());
        var rolledBack = (await rollback.Content.ReadFromJsonAsync<AcceptedResponse>())!;
        await Api.WaitForAsync(app.Id, rolledBack.Generation, AppStatus.Running);
        boots = await BootsAsync(app, boots.Count + 1, boots);

        await Platform.ReconcilerProcess.KillAsync();
        Platform.StartReconciler();
        var afterKill = await Api.DeployAsync(app.Id, Platform.HelloImage);
        await Api.WaitForAsync(app.Id, afterKill.Generation, AppStatus.Running);
        await BootsAsync(app, boots.Count + 1, boots);
        (await volumes.InspectDockerAsync(volume.Id)).CreatedAt.Should().Be(docker.CreatedAt, "the same Docker volume all along, never re-created");
        var listed = (await volumes.ListAsync(app.Id)).Single();
        listed.State.Should().Be("ready");
        listed.Quota.Should().Contain("no size limit");
    }

    /// <summary>Polls until the app serves at least <paramref name="count"/> boot lines, starting with the ones seen before.</summary>
    private async Task<IReadOnlyList<string>> BootsAsync(AppResponse app, int count, IReadOnlyList<string>? before = null)
    {
        var lines = Array.Empty<string>();
        await Eventually.UntilAsync(async () =>
        {
            var (status, body) = await Api.GetThroughProxyAsync(app.GeneratedHostname, "/boots");
            lines = status == HttpStatusCode.OK ? body.Split('\n', StringSplitOptions.RemoveEmptyEntries) : [];
            return lines.Length >= count;
        }, PlatformApi.ConvergeTimeout, () => $"the app serves {count} boot line(s) from its volume (last: {string.Join(" | ", lines)})");
        lines.Take(before?.Count ?? 0).Should().Equal(before ?? [], "what the earlier containers wrote is still there");
        return lines;
    }
}
