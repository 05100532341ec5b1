using System.Threading.Channels;
using Microsoft.Extensions.Options;
using PersonalCloud.Reconciler.Containers;
using PersonalCloud.Reconciler.Desired;
using PersonalCloud.Reconciler.Loop;
using PersonalCloud.Reconciler.Status;

namespace PersonalCloud.Reconciler.Builds;

/// <summary>A pass asked for an image that is still being built: nothing to run yet, the pass comes back when the build ends.</summary>
public sealed class ImageBuildingException(Guid releaseId) : Exception($"release {releaseId} is being built")
{
    public Guid ReleaseId { get; } = releaseId;
}

/// <summary>
/// Builds on their own few workers (<see cref="BuildOptions.Concurrency"/>), so reconcile workers never wait behind a
/// build. One build per app and image tag at a time (an env change during a build waits for the same image); when a
/// build ends, ok or failed, the app is queued again and its next pass finds the image or the failed release.
/// </summary>
public sealed partial class BuildQueue(
    SourceBuilder builder,
    BuildImageCollector images,
    StatusWriter status,
    WorkQueue work,
    IOptions<BuildOptions> options,
    ILogger<BuildQueue> logger) : BackgroundService
{
    private static readonly TimeSpan RetryAfterError = TimeSpan.FromSeconds(10);
    private readonly Channel<Build> _waiting = Channel.CreateUnbounded<Build>();
    private readonly Dictionary<Guid, Build> _builds = [];
    private readonly Lock _lock = new();
    private CancellationToken _stopping = CancellationToken.None;

    /// <summary>Builds queued or running, for tests and logs.</summary>
    public int InFlight
    {
        get
        {
            lock (_lock)
                return _builds.Count;
        }
    }

    /// <summary>Queues the build of <paramref name="release"/> unless one for the same app and tag is queued or running. True when newly queued.</summary>
    public bool Request(Guid appId, DesiredRelease release)
    {
        Build build;
        lock (_lock)
        {
            if (_builds.Values.Any(b => b.AppId == appId && b.Release.Image == release.Image))
                return false;
            build = new Build(appId, release, CancellationTokenSource.CreateLinkedTokenSource(_stopping));
            _builds[release.Id] = build;
        }

        _waiting.Writer.TryWrite(build);
        LogQueued(logger, appId, release.Id);
        return true;
    }

    /// <summary>Latest wins: cancels the app's builds of any other image than the desired one (all of them when none is wanted).</summary>
    public void Keep(Guid appId, DesiredRelease? wanted)
    {
        // Under the lock: a build that ends meanwhile disposes its token source under the same lock.
        lock (_lock)
        {
            foreach (var build in _builds.Values.Where(b => b.AppId == appId && b.Release.Image != wanted?.Image && !b.Cancel.IsCancellationRequested))
            {
                LogCancelled(logger, appId, build.Release.Id);
                build.Cancel.Cancel();
            }
        }
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _stopping = stoppingToken;
        return Task.WhenAll(Enumerable.Range(0, options.Value.Concurrency).Select(_ => RunAsync(stoppingToken)));
    }

    private async Task RunAsync(CancellationToken stoppingToken)
    {
        await foreach (var build in _waiting.Reader.ReadAllAsync(stoppingToken))
        {
            var retry = await BuildOneAsync(build, stoppingToken);
            lock (_lock)
            {
                _builds.Remove(build.Release.Id);
                build.Cancel.Dispose();
            }

            if (retry)
                work.AddAfter(build.AppId, RetryAfterError);
            else
                work.Add(build.AppId);
            // A new image may push an old one out of the app's most recent few.
            images.RequestNow();
        }
    }

    /// <summary>The one catch of a build worker; true when the build could not run and is to be asked for again.</summary>
    private async Task<bool> BuildOneAsync(Build build, CancellationToken stoppingToken)
    {
        try
        {
            if (build.Cancel.IsCancellationRequested)
                return false;
            try
            {
                await builder.BuildAsync(build.AppId, build.Release, build.Cancel.Token);
            }
            catch (ImageUnavailableException e)
            {
                // Built and failed (terminal): the release fails with the build's reason, the next pass plans from there.
                await status.FailReleaseAsync(build.AppId, build.Release.Id, e.Message, Contracts.Apps.ReleaseStages.Building, stoppingToken);
            }

            return false;
        }
        catch (OperationCanceledException) when (build.Cancel.IsCancellationRequested && !stoppingToken.IsCancellationRequested)
        {
            // A newer deploy replaced this one; its pass cancels this release.
            return false;
        }
        catch (Exception e) when (!stoppingToken.IsCancellationRequested)
        {
            // Postgres or the engine away (transient): the app's pass after the pause asks for the build again.
            LogBuildError(logger, e, build.AppId, build.Release.Id, RetryAfterError);
            return true;
        }
    }

    private sealed record Build(Guid AppId, DesiredRelease Release, CancellationTokenSource Cancel);

    [LoggerMessage(Level = LogLevel.Information, Message = "App {AppId}: build of release {ReleaseId} queued")]
    private static partial void LogQueued(ILogger logger, Guid appId, Guid releaseId);

    [LoggerMessage(Level = LogLevel.Information, Message = "App {AppId}: build of release {ReleaseId} cancelled: a newer deploy replaced it")]
    private static partial void LogCancelled(ILogger logger, Guid appId, Guid releaseId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "App {AppId}: build of release {ReleaseId} could not run; asking again in {Delay}")]
    private static partial void LogBuildError(ILogger logger, Exception exception, Guid appId, Guid releaseId, TimeSpan delay);
}
