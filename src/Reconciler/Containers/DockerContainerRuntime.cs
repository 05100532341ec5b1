using System.Net;
using System.Runtime.CompilerServices;
using Docker.DotNet;
using Docker.DotNet.Models;
using Microsoft.Extensions.Logging;
using PersonalCloud.Contracts.Labels;

namespace PersonalCloud.Reconciler.Containers;

/// <summary><see cref="IContainerRuntime"/> over the Docker Engine API (1.41 or newer, version left unpinned).</summary>
public sealed partial class DockerContainerRuntime : IContainerRuntime, IDisposable
{
    public static readonly Uri DefaultEndpoint = new("unix:///var/run/docker.sock");

    private static readonly string ManagedFilter = $"{ContainerLabels.Managed}={ContainerLabels.ManagedValue}";

    public const string DefaultInstance = "default";

    private readonly IDockerClient _client;
    private readonly bool _ownsClient;
    private readonly ILogger<DockerContainerRuntime> _logger;
    private readonly string _instance;

    // Only what this platform instance created is seen or touched: two instances can share one engine.
    private readonly string _scopeFilter;

    public DockerContainerRuntime(ILogger<DockerContainerRuntime> logger, string instance = DefaultInstance)
        : this(CreateClient(DefaultEndpoint), logger, instance) => _ownsClient = true;

    public DockerContainerRuntime(IDockerClient client, ILogger<DockerContainerRuntime> logger, string instance = DefaultInstance)
    {
        _client = client;
        _logger = logger;
        _instance = instance;
        _scopeFilter = $"{ContainerLabels.Instance}={instance}";
    }

    /// <summary>Leaves the API version unpinned (the engine serves its own) unless DOCKER_API_VERSION asks for one.</summary>
    public static DockerClient CreateClient(Uri endpoint)
    {
        var builder = new DockerClientBuilder().WithEndpoint(endpoint);
        var pinned = Environment.GetEnvironmentVariable("DOCKER_API_VERSION");
        return System.Version.TryParse(pinned, out var version) ? builder.WithApiVersion(version).Build() : builder.Build();
    }

    public async Task<IReadOnlyList<ObservedContainer>> ListManagedAsync(Guid? appId, CancellationToken cancellationToken)
    {
        var filters = ScopedFilter();
        if (appId is { } id)
        {
            filters["label"][$"{ContainerLabels.AppId}={id:D}"] = true;
        }

        var containers = await _client.Containers.ListContainersAsync(
            new ContainersListParameters { All = true, Filters = filters }, cancellationToken);
        var observed = new List<ObservedContainer>(containers.Count);
        foreach (var container in containers)
        {
            // An app's own containers only: its runs and cron jobs' runs are the job executor's (Jobs/), its add-ons' servers
            // the add-on controller's (Addons/): never "unserved".
            if (appId is not null && (RunLabels.IsRun(container.Labels) || Contracts.Addons.AddonNames.IsAddon(container.Labels)))
                continue;
            if (DockerObservedState.ToObserved(container) is { } known)
            {
                // Only an inspect tells why a container never started or was OOM-killed (the list has neither); such containers are rare.
                observed.Add(known.State is ContainerState.Created or ContainerState.Exited or ContainerState.Dead
                    ? await InspectStoppedAsync(known, cancellationToken)
                    : known);
            }
            else
            {
                LogUnreadableLabels(container.ID);
            }
        }

        return observed;
    }

    public async Task<ResolvedImage> EnsureImageAsync(string image, CancellationToken cancellationToken)
    {
        var found = await TryInspectImageAsync(image, cancellationToken);
        if (found is null)
        {
            LogPullAttempted(image);
            await PullAsync(image, cancellationToken);
            found = await TryInspectImageAsync(image, cancellationToken)
                ?? throw new ImageUnavailableException($"image '{image}' is not in the engine and the pull did not produce it");
        }

        return DockerObservedState.ToResolved(image, found);
    }

    public async Task<ResolvedImage?> FindImageAsync(string image, CancellationToken cancellationToken) =>
        await TryInspectImageAsync(image, cancellationToken) is { } found
            ? DockerObservedState.ToResolved(image, found)
            : null;

    public Task<ResolvedImage> BuildImageAsync(
        Stream context, string tag, IReadOnlyDictionary<string, string> labels, Builds.BuildSandbox sandbox, IProgress<string> output,
        CancellationToken cancellationToken) =>
        DockerImageBuild.BuildAsync(_client, DefaultEndpoint.LocalPath, _instance, context, tag, labels, sandbox, output, cancellationToken);

    public async Task<Contracts.Hosting.HostCapacity> GetHostCapacityAsync(CancellationToken cancellationToken)
    {
        var info = await _client.System.GetSystemInfoAsync(cancellationToken);
        return new Contracts.Hosting.HostCapacity((int)info.NCPU, info.MemTotal);
    }

    public async Task<string> CreateAndStartAsync(ContainerSpec spec, CancellationToken cancellationToken)
    {
        string id;
        try
        {
            var parameters = DockerCreateParameters.Map(spec);
            parameters.Labels[ContainerLabels.Instance] = _instance;
            id = (await _client.Containers.CreateContainerAsync(parameters, cancellationToken)).ID;
            LogContainerCreated(spec.AppId, spec.ReleaseId, spec.Name, id);
        }
        catch (DockerApiException ex) when (ex.StatusCode == HttpStatusCode.Conflict)
        {
            id = (await _client.Containers.InspectContainerAsync(spec.Name, cancellationToken)).ID;
            LogNameConflict(spec.AppId, spec.ReleaseId, spec.Name, id);
        }
        catch (DockerApiException ex) when (ex.StatusCode == HttpStatusCode.BadRequest)
        {
            throw new ContainerRejectedException($"the engine refused to create the container: {DockerObservedState.ErrorMessage(ex.ResponseBody)}", ex);
        }

        // A running container answers 304, which the client reports as false: either way it is running.
        await _client.Containers.StartContainerAsync(id, new ContainerStartParameters(), cancellationToken);
        return id;
    }

    public async Task<ObservedContainer?> InspectAsync(string containerIdOrName, CancellationToken cancellationToken)
    {
        try
        {
            return DockerObservedState.ToObserved(await _client.Containers.InspectContainerAsync(containerIdOrName, cancellationToken));
        }
        catch (DockerApiException ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>A stopped container with why it stopped: the engine's error, an OOM kill, the last line it printed.</summary>
    private async Task<ObservedContainer> InspectStoppedAsync(ObservedContainer known, CancellationToken cancellationToken)
    {
        var inspected = await InspectAsync(known.Id, cancellationToken) ?? known;
        if (inspected.State is not (ContainerState.Exited or ContainerState.Dead))
            return inspected;
        ContainerLogEntry? last = null;
        using (var stream = await OpenLogsAsync(known.Id, new ContainerLogsParameters { Timestamps = true, ShowStdout = true, ShowStderr = true, Tail = "1" }, cancellationToken))
        {
            if (stream is not null)
            {
                await foreach (var entry in DockerLogStream.ReadAsync(stream, cancellationToken))
                    last = entry;
            }
        }

        return last is null ? inspected : inspected with { LastLogLine = last.Message };
    }

    public async Task<int?> ExecAsync(string containerId, IReadOnlyList<string> command, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            var exec = await _client.Exec.CreateContainerExecAsync(containerId, new ContainerExecCreateParameters
            {
                Cmd = [.. command],
                AttachStdout = true,
                AttachStderr = true,
            }, limit.Token);
            // Attached: the stream ends when the command does; its output is not kept (a liveness check's verdict is its exit code).
            using (var stream = await _client.Exec.StartContainerExecAsync(exec.ID, new ContainerExecStartParameters(), limit.Token))
                await stream.CopyOutputToAsync(Stream.Null, Stream.Null, Stream.Null, limit.Token);
            var inspected = await _client.Exec.InspectContainerExecAsync(exec.ID, limit.Token);
            return inspected.Running ? null : (int?)inspected.ExitCode;
        }
        catch (OperationCanceledException) when (limit.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return null;
        }
        catch (DockerApiException ex) when (ex.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Conflict)
        {
            return null; // Gone, or not running.
        }
    }

    public async Task StopAsync(string containerId, TimeSpan stopTimeout, CancellationToken cancellationToken)
    {
        try
        {
            var wait = (uint)Math.Ceiling(Math.Max(0, stopTimeout.TotalSeconds));
            await _client.Containers.StopContainerAsync(
                containerId, new ContainerStopParameters { WaitBeforeKillSeconds = wait }, cancellationToken);
        }
        catch (DockerApiException ex) when (ex.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.NotModified)
        {
            // Already gone or already stopped.
        }
    }

    public async Task StopAndRemoveAsync(string containerId, TimeSpan stopTimeout, CancellationToken cancellationToken)
    {
        await StopAsync(containerId, stopTimeout, cancellationToken);

        try
        {
            await _client.Containers.RemoveContainerAsync(
                containerId, new ContainerRemoveParameters { Force = true }, cancellationToken);
        }
        catch (DockerApiException ex) when (ex.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Conflict)
        {
            // Gone, or its removal is already in progress.
        }
    }

    public async IAsyncEnumerable<ContainerLogEntry> FollowLogsAsync(
        string containerId,
        DateTimeOffset? since,
        bool follow,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var parameters = new ContainerLogsParameters
        {
            Follow = follow,
            Timestamps = true,
            ShowStdout = true,
            ShowStderr = true,
            Since = since is { } from ? DockerLogStream.FormatSince(from) : null,
        };
        using var stream = await OpenLogsAsync(containerId, parameters, cancellationToken);
        if (stream is null)
        {
            yield break;
        }

        await foreach (var entry in DockerLogStream.ReadAsync(stream, cancellationToken))
        {
            yield return entry;
        }
    }

    public IAsyncEnumerable<ContainerEvent> WatchEventsAsync(CancellationToken cancellationToken) =>
        DockerEventStream.ReadAsync(_client, _scopeFilter, cancellationToken);

    public void Dispose()
    {
        if (_ownsClient)
        {
            _client.Dispose();
        }
    }

    private async Task<MultiplexedStream?> OpenLogsAsync(string containerId, ContainerLogsParameters parameters, CancellationToken cancellationToken)
    {
        try
        {
            return await _client.Containers.GetContainerLogsAsync(containerId, parameters, cancellationToken);
        }
        catch (DockerApiException ex) when (ex.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Conflict)
        {
            return null; // Gone, or dead and being removed: nothing left to follow.
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    private async Task<ImageInspectResponse?> TryInspectImageAsync(string image, CancellationToken cancellationToken)
    {
        try
        {
            return await _client.Images.InspectImageAsync(image, cancellationToken);
        }
        catch (DockerApiException ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    private async Task PullAsync(string image, CancellationToken cancellationToken)
    {
        // Errors can arrive inside a 200 progress stream, not only as an HTTP status.
        var errors = new List<string>();
        var progress = new InlineProgress<JSONMessage>(m => { if (m.Error?.Message is { } e) { errors.Add(e); } });
        try
        {
            await _client.Images.CreateImageAsync(DockerCreateParameters.ForPull(image), null, progress, cancellationToken);
        }
        catch (DockerApiException ex)
        {
            throw new ImageUnavailableException(
                $"image '{image}' is not in the engine and could not be pulled: {DockerObservedState.ErrorMessage(ex.ResponseBody)}", ex);
        }

        if (errors.Count > 0)
        {
            throw new ImageUnavailableException($"image '{image}' is not in the engine and could not be pulled: {string.Join("; ", errors)}");
        }
    }

    private Dictionary<string, IDictionary<string, bool>> ScopedFilter() =>
        new() { ["label"] = new Dictionary<string, bool> { [ManagedFilter] = true, [_scopeFilter] = true } };

    [LoggerMessage(Level = LogLevel.Information, Message = "Image {Image} is not in the engine; attempting a pull")]
    private partial void LogPullAttempted(string image);

    [LoggerMessage(Level = LogLevel.Information, Message = "Created container {ContainerName} ({ContainerId}) for app {AppId} release {ReleaseId}")]
    private partial void LogContainerCreated(Guid appId, Guid releaseId, string containerName, string containerId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Container {ContainerName} already exists as {ContainerId} for app {AppId} release {ReleaseId}; reusing it")]
    private partial void LogNameConflict(Guid appId, Guid releaseId, string containerName, string containerId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Managed container {ContainerId} has no readable app id label; ignoring it")]
    private partial void LogUnreadableLabels(string containerId);

    private sealed class InlineProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
