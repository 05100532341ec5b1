using System.Net;
using Docker.DotNet;
using Docker.DotNet.Models;
using PersonalCloud.Contracts.Labels;
using PersonalCloud.Reconciler.Containers;

namespace PersonalCloud.Reconciler.Jobs;

/// <summary><see cref="IRunContainers"/> over the Docker Engine API.</summary>
public sealed class DockerRunContainers(IDockerClient client, string instance) : IRunContainers
{
    public async Task<IReadOnlyList<RunContainer>> ListAsync(CancellationToken cancellationToken)
    {
        var listed = await client.Containers.ListContainersAsync(new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>>
            {
                ["label"] = new Dictionary<string, bool>
                {
                    [$"{ContainerLabels.Managed}={ContainerLabels.ManagedValue}"] = true,
                    [$"{ContainerLabels.Instance}={instance}"] = true,
                    [RunLabels.RunId] = true,
                },
            },
        }, cancellationToken);
        var runs = new List<RunContainer>(listed.Count);
        foreach (var c in listed)
        {
            var state = DockerObservedState.ParseState(c.State);
            // Only an inspect tells when it finished, its exit code for sure, an OOM kill or why it never started.
            var observed = state is ContainerState.Running or ContainerState.Paused or ContainerState.Restarting
                ? FromList(c)
                : await InspectAsync(c.ID, cancellationToken);
            if (observed is not null)
                runs.Add(observed);
        }

        return runs;
    }

    public async Task<RunContainer> CreateAndStartAsync(RunSpec spec, CancellationToken cancellationToken)
    {
        string id;
        try
        {
            id = (await client.Containers.CreateContainerAsync(RunCreateParameters.Map(spec, instance), cancellationToken)).ID;
        }
        catch (DockerApiException e) when (e.StatusCode == HttpStatusCode.Conflict)
        {
            id = (await client.Containers.InspectContainerAsync(spec.Name, cancellationToken)).ID;
        }
        catch (DockerApiException e) when (e.StatusCode == HttpStatusCode.BadRequest)
        {
            throw new ContainerRejectedException($"the engine refused to create the container: {DockerObservedState.ErrorMessage(e.ResponseBody)}", e);
        }

        try
        {
            await client.Containers.StartContainerAsync(id, new ContainerStartParameters(), cancellationToken);
        }
        catch (DockerApiException e) when (e.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.InternalServerError)
        {
            // The runtime refused the command itself (no /bin/sh in the image, a user that does not exist): it always will.
            throw new ContainerRejectedException($"the engine could not start it: {DockerObservedState.ErrorMessage(e.ResponseBody)}", e);
        }

        return await InspectAsync(id, cancellationToken) ?? throw new InvalidOperationException($"run container {id} vanished right after its start");
    }

    public async Task StopAsync(string containerId, TimeSpan grace, CancellationToken cancellationToken)
    {
        try
        {
            await client.Containers.StopContainerAsync(containerId,
                new ContainerStopParameters { WaitBeforeKillSeconds = (uint)Math.Ceiling(Math.Max(0, grace.TotalSeconds)) }, cancellationToken);
        }
        catch (DockerApiException e) when (e.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.NotModified)
        {
            // Gone or stopped already.
        }
    }

    public async Task RemoveAsync(string containerId, CancellationToken cancellationToken)
    {
        try
        {
            await client.Containers.RemoveContainerAsync(containerId, new ContainerRemoveParameters { Force = true }, cancellationToken);
        }
        catch (DockerApiException e) when (e.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Conflict)
        {
            // Gone, or its removal is under way.
        }
    }

    private async Task<RunContainer?> InspectAsync(string id, CancellationToken cancellationToken)
    {
        ContainerInspectResponse inspected;
        try
        {
            inspected = await client.Containers.InspectContainerAsync(id, cancellationToken);
        }
        catch (DockerApiException e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        var labels = inspected.Config?.Labels;
        if (DockerObservedState.ParseGuid(labels, RunLabels.RunId) is not { } runId || DockerObservedState.ParseGuid(labels, ContainerLabels.AppId) is not { } appId)
            return null;
        var state = DockerObservedState.ParseState(inspected.State?.Status);
        var stopped = state is ContainerState.Exited or ContainerState.Dead;
        return new RunContainer(inspected.ID, inspected.Name?.TrimStart('/') ?? inspected.ID, runId, appId,
            DockerObservedState.ParseGuid(labels, ContainerLabels.ReleaseId), state,
            stopped ? (int?)inspected.State?.ExitCode : null,
            Utc(inspected.Created),
            Time(inspected.State?.StartedAt),
            stopped ? Time(inspected.State?.FinishedAt) : null,
            inspected.State?.OOMKilled == true,
            string.IsNullOrWhiteSpace(inspected.State?.Error) ? null : inspected.State.Error);
    }

    private static RunContainer? FromList(ContainerListResponse c) =>
        DockerObservedState.ParseGuid(c.Labels, RunLabels.RunId) is { } runId && DockerObservedState.ParseGuid(c.Labels, ContainerLabels.AppId) is { } appId
            ? new RunContainer(c.ID, c.Names?.FirstOrDefault()?.TrimStart('/') ?? c.ID, runId, appId, DockerObservedState.ParseGuid(c.Labels, ContainerLabels.ReleaseId),
                DockerObservedState.ParseState(c.State), null, Utc(c.Created), null, null)
            : null;

    private static DateTimeOffset Utc(DateTime value) =>
        new(value.Kind == DateTimeKind.Local ? value.ToUniversalTime() : DateTime.SpecifyKind(value, DateTimeKind.Utc));

    /// <summary>The engine's RFC 3339 times; "0001-01-01T00:00:00Z" means never.</summary>
    private static DateTimeOffset? Time(string? value) =>
        DateTimeOffset.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var t) && t.Year > 1
            ? t.ToUniversalTime()
            : null;
}
