using Docker.DotNet.Models;
using PersonalCloud.Contracts.Labels;
using PersonalCloud.Reconciler.Containers;

namespace PersonalCloud.Reconciler.Jobs;

/// <summary>
/// A run's create request: the app container's hardening as it is (<see cref="DockerCreateParameters"/>: capabilities,
/// read-only root, tmpfs, limits, init, the app's network), running <c>/bin/sh -c command</c> instead of the image's
/// entrypoint, with no port, labelled as a run.
/// </summary>
public static class RunCreateParameters
{
    public static readonly IReadOnlyList<string> Shell = ["/bin/sh", "-c"];

    public static string ContainerName(Guid runId) => $"pcloud-run-{runId:N}";

    public static CreateContainerParameters Map(RunSpec spec, string instance)
    {
        var release = spec.Release;
        var app = new Containers.ContainerSpec(spec.Name, release.ImageDigest, release.AppId, release.AppName, release.ReleaseId, "",
            ContainerSpecs.NetworkName(release.AppId), release.Port ?? 0, release.Environment, spec.Limits,
            release.SecurityProfile, spec.User, Kind: spec.Kind);
        var parameters = DockerCreateParameters.Map(app);
        parameters.Entrypoint = [.. Shell];
        parameters.Cmd = [spec.Command];
        parameters.ExposedPorts = new Dictionary<string, EmptyStruct>();
        parameters.Labels.Remove(ContainerLabels.SpecHash);
        parameters.Labels[ContainerLabels.Instance] = instance;
        parameters.Labels[RunLabels.RunId] = spec.RunId.ToString("D");
        return parameters;
    }
}
