using System.Formats.Tar;
using System.Net;
using Docker.DotNet;
using Docker.DotNet.Models;
using PersonalCloud.Contracts.Labels;
using PersonalCloud.Contracts.Volumes;
using PersonalCloud.Reconciler.Volumes;

namespace PersonalCloud.Reconciler.Containers;

/// <summary>The apps' named volumes: made with labels and no driver options, measured through /system/df, made writable for the app's user.</summary>
public sealed partial class DockerContainerRuntime : IVolumeRuntime
{
    /// <summary>The kind label of the helper container that is created (never started) so the engine applies an archive to a mount point.</summary>
    private const string HelperKind = "volume-prepare";

    public async Task EnsureVolumeAsync(Guid volumeId, string name, Guid appId, string appName, CancellationToken ct)
    {
        // The engine answers a create of an existing name with that volume (never an error): idempotent, and never re-labelled.
        await _client.Volumes.CreateAsync(new VolumesCreateParameters
        {
            Name = VolumeNames.DockerName(volumeId),
            Driver = "local",
            DriverOpts = new Dictionary<string, string>(),
            Labels = new Dictionary<string, string>
            {
                [ContainerLabels.Managed] = ContainerLabels.ManagedValue,
                [ContainerLabels.Instance] = _instance,
                [ContainerLabels.AppId] = appId.ToString("D"),
                [ContainerLabels.AppName] = appName,
                [VolumeNames.VolumeIdLabel] = volumeId.ToString("D"),
                [VolumeNames.VolumeNameLabel] = name,
            },
        }, ct);
    }

    public async Task<IReadOnlyList<ObservedVolume>> ListManagedVolumesAsync(CancellationToken ct)
    {
        var listed = await _client.Volumes.ListAsync(new VolumesListParameters { Filters = ScopedFilter() }, ct);
        // The engine's disk-usage report sizes every volume (a walk of its directory) and counts the containers that use it.
        var usage = await DockerVolumeUsage.ReadAsync(DefaultEndpoint.LocalPath, ct);
        return (listed.Volumes ?? []).Select(v =>
        {
            var data = usage.GetValueOrDefault(v.Name);
            var labels = v.Labels ?? new Dictionary<string, string>();
            return new ObservedVolume(v.Name, DockerObservedState.ParseGuid(labels, VolumeNames.VolumeIdLabel), DockerObservedState.ParseGuid(labels, ContainerLabels.AppId),
                labels.TryGetValue(ContainerLabels.AppName, out var app) ? app : null, labels.TryGetValue(VolumeNames.VolumeNameLabel, out var name) ? name : null,
                data?.SizeBytes, data?.RefCount);
        }).ToList();
    }

    public async Task<string> PrepareOwnerAsync(VolumeMount volume, string imageId, string user, CancellationToken ct)
    {
        var (parent, name) = VolumeOwnership.Split(volume.MountPath);
        // One name per volume: a helper left by a killed pass is replaced, never accumulated.
        var helperName = $"pcloud-volprep-{volume.VolumeId:N}";
        await RemoveHelperAsync(helperName);
        var created = await _client.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Name = helperName,
            Image = imageId,
            User = AppSandbox.RootUser,
            Entrypoint = ["/nonexistent-never-started"],
            Cmd = [],
            NetworkDisabled = true,
            Labels = new Dictionary<string, string>
            {
                [ContainerLabels.Managed] = ContainerLabels.ManagedValue,
                [ContainerLabels.Instance] = _instance,
                [ContainerLabels.Kind] = HelperKind,
            },
            HostConfig = new HostConfig
            {
                Mounts = [new Mount { Type = "volume", Source = volume.DockerName, Target = volume.MountPath }],
                CapDrop = ["ALL"],
                SecurityOpt = [DockerCreateParameters.NoNewPrivileges],
                NetworkMode = "none",
            },
        }, ct);
        try
        {
            var passwd = await ReadImageFileAsync(created.ID, "/etc/passwd", ct);
            var group = await ReadImageFileAsync(created.ID, "/etc/group", ct);
            var (uid, gid) = VolumeOwnership.Resolve(user, passwd, group);
            await using var entry = VolumeOwnership.DirectoryEntry(name, uid, gid);
            await _client.Containers.ExtractArchiveToContainerAsync(created.ID, new CopyToContainerParameters { Path = parent }, entry, ct);
            return $"{uid}:{gid}";
        }
        finally
        {
            await RemoveHelperAsync(created.ID);
        }
    }

    private async Task RemoveHelperAsync(string idOrName)
    {
        try
        {
            await _client.Containers.RemoveContainerAsync(idOrName, new ContainerRemoveParameters { Force = true }, CancellationToken.None);
        }
        catch (DockerApiException ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            // Already gone.
        }
    }

    public async Task<bool> RemoveVolumeAsync(string dockerName, CancellationToken ct)
    {
        try
        {
            await _client.Volumes.RemoveAsync(dockerName, force: false, ct);
            return true;
        }
        catch (DockerApiException ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            return true;
        }
        catch (DockerApiException ex) when (ex.StatusCode == HttpStatusCode.Conflict)
        {
            return false;
        }
    }

    /// <summary>A small text file of the image (its /etc/passwd) through the created helper; null when the image has none.</summary>
    private async Task<string?> ReadImageFileAsync(string containerId, string path, CancellationToken ct)
    {
        try
        {
            var archive = await _client.Containers.GetArchiveFromContainerAsync(containerId, new ContainerPathStatParameters { Path = path }, false, ct);
            await using var tar = archive.Stream ?? Stream.Null;
            using var reader = new TarReader(tar);
            if (await reader.GetNextEntryAsync(copyData: true, ct) is not { DataStream: { } data } || data.Length > 1024 * 1024)
                return null;
            using var text = new StreamReader(data);
            return await text.ReadToEndAsync(ct);
        }
        catch (DockerApiException ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }
}
