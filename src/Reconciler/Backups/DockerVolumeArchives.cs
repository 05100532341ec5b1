using System.Formats.Tar;
using System.Net;
using Docker.DotNet;
using Docker.DotNet.Models;
using PersonalCloud.Contracts.Labels;
using PersonalCloud.Contracts.Volumes;
using Polly;

namespace PersonalCloud.Reconciler.Backups;

/// <summary><see cref="IVolumeArchives"/> over the engine's archive API (GET/PUT /containers/{id}/archive) with created-not-started helpers.</summary>
public sealed class DockerVolumeArchives(IDockerClient client, string instance, ResiliencePipeline retry) : IVolumeArchives
{
    private const string MountPoint = "/volume";
    private readonly SemaphoreSlim _imageLock = new(1, 1);
    private bool _imageReady;

    public async Task<VolumeRead> ReadAsync(string dockerVolume, CancellationToken ct)
    {
        // A mount of a missing volume would create it empty: an empty archive must never pass for the volume's data.
        if (!await ExistsAsync(dockerVolume, ct))
            throw new BackupFailedException($"the Docker volume {dockerVolume} does not exist");
        var id = await CreateHelperAsync(dockerVolume, readOnly: true, ct);
        try
        {
            var archive = await client.Containers.GetArchiveFromContainerAsync(id, new ContainerPathStatParameters { Path = MountPoint + "/." }, false, ct);
            var stream = archive.Stream ?? throw new BackupFailedException("the engine returned no archive stream");
            // Guarded: the engine client's chunked stream takes a read of 0 bytes for the end of the stream.
            return new VolumeRead(new TeeReadStream(stream, null, hash: false), () => new ValueTask(RemoveHelperAsync(id)));
        }
        catch
        {
            await RemoveHelperAsync(id);
            throw;
        }
    }

    public async Task WriteAsync(string dockerVolume, Stream tar, CancellationToken ct)
    {
        var id = await CreateHelperAsync(dockerVolume, readOnly: false, ct);
        try
        {
            await client.Containers.ExtractArchiveToContainerAsync(id, new CopyToContainerParameters { Path = MountPoint }, tar, ct);
        }
        finally
        {
            await RemoveHelperAsync(id);
        }
    }

    public async Task<bool> ExistsAsync(string dockerVolume, CancellationToken ct)
    {
        try
        {
            await retry.ExecuteAsync(async token => await client.Volumes.InspectAsync(dockerVolume, token), ct);
            return true;
        }
        catch (DockerApiException e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    public Task CreateAsync(string dockerVolume, IReadOnlyDictionary<string, string> labels, CancellationToken ct)
    {
        var all = new Dictionary<string, string>(labels) { [ContainerLabels.Instance] = instance };
        return retry.ExecuteAsync(async token => await client.Volumes.CreateAsync(new VolumesCreateParameters { Name = dockerVolume, Labels = all }, token), ct).AsTask();
    }

    public async Task RemoveAsync(string dockerVolume, CancellationToken ct)
    {
        try
        {
            await retry.ExecuteAsync(async token => await client.Volumes.RemoveAsync(dockerVolume, false, token), ct);
        }
        catch (DockerApiException e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
        }
    }

    public async Task<IReadOnlyList<LabelledVolume>> ListAppVolumesAsync(CancellationToken ct)
    {
        var listed = await retry.ExecuteAsync(async token => await client.Volumes.ListAsync(new VolumesListParameters
        {
            Filters = new Dictionary<string, IDictionary<string, bool>>
            {
                ["label"] = new Dictionary<string, bool> { [$"{ContainerLabels.Instance}={instance}"] = true, [VolumeNames.VolumeIdLabel] = true },
            },
        }, token), ct);
        var volumes = new List<LabelledVolume>();
        foreach (var v in listed.Volumes ?? [])
        {
            IDictionary<string, string> labels = v.Labels ?? new Dictionary<string, string>();
            if (!Guid.TryParse(Label(labels, VolumeNames.VolumeIdLabel), out var volumeId))
                continue;
            volumes.Add(new LabelledVolume(v.Name, volumeId, Guid.TryParse(Label(labels, ContainerLabels.AppId), out var app) ? app : null,
                Label(labels, ContainerLabels.AppName), Label(labels, VolumeNames.VolumeNameLabel)));
        }

        return volumes;
    }

    public async Task RemoveLeftoversAsync(CancellationToken ct)
    {
        var helpers = await client.Containers.ListContainersAsync(new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>>
            {
                ["label"] = new Dictionary<string, bool> { [$"{ContainerLabels.Instance}={instance}"] = true, [BackupLabels.Helper] = true },
            },
        }, ct);
        foreach (var helper in helpers)
            await RemoveHelperAsync(helper.ID);
        var scratch = await client.Volumes.ListAsync(new VolumesListParameters
        {
            Filters = new Dictionary<string, IDictionary<string, bool>>
            {
                ["label"] = new Dictionary<string, bool> { [$"{ContainerLabels.Instance}={instance}"] = true, [BackupLabels.Scratch] = true },
            },
        }, ct);
        foreach (var volume in scratch.Volumes ?? [])
            await RemoveAsync(volume.Name, ct);
    }

    private static string? Label(IDictionary<string, string> labels, string key) => labels.TryGetValue(key, out var value) ? value : null;

    private async Task<string> CreateHelperAsync(string dockerVolume, bool readOnly, CancellationToken ct)
    {
        await EnsureImageAsync(ct);
        var created = await retry.ExecuteAsync(async token => await client.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Image = BackupLabels.HelperImage,
            Cmd = ["/never-started"],
            NetworkDisabled = true,
            Labels = new Dictionary<string, string> { [ContainerLabels.Instance] = instance, [BackupLabels.Helper] = "true" },
            HostConfig = new HostConfig
            {
                NetworkMode = "none",
                Mounts = [new Mount { Type = "volume", Source = dockerVolume, Target = MountPoint, ReadOnly = readOnly }],
            },
        }, token), ct);
        return created.ID;
    }

    private async Task RemoveHelperAsync(string id)
    {
        try
        {
            // Not the caller's token: a cancelled backup still removes its helper.
            await retry.ExecuteAsync(async token => await client.Containers.RemoveContainerAsync(id, new ContainerRemoveParameters { Force = true }, token),
                CancellationToken.None);
        }
        catch (DockerApiException e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
        }
    }

    private async Task EnsureImageAsync(CancellationToken ct)
    {
        if (_imageReady)
            return;
        await _imageLock.WaitAsync(ct);
        try
        {
            try
            {
                await client.Images.InspectImageAsync(BackupLabels.HelperImage, ct);
            }
            catch (DockerApiException e) when (e.StatusCode == HttpStatusCode.NotFound)
            {
                using var tar = new MemoryStream();
                await using (var writer = new TarWriter(tar, TarEntryFormat.Pax, leaveOpen: true))
                {
                    var marker = new PaxTarEntry(TarEntryType.RegularFile, ".pcloud-volume-helper")
                    {
                        DataStream = new MemoryStream("PersonalCloud backup helper: created, never started\n"u8.ToArray()),
                    };
                    await writer.WriteEntryAsync(marker, ct);
                }

                tar.Position = 0;
                var (repo, tag) = (BackupLabels.HelperImage.Split(':')[0], BackupLabels.HelperImage.Split(':')[1]);
                await client.Images.CreateImageAsync(new ImagesCreateParameters { FromSrc = "-", Repo = repo, Tag = tag }, tar, null, new Progress<JSONMessage>(), ct);
            }

            _imageReady = true;
        }
        finally
        {
            _imageLock.Release();
        }
    }
}
