using Microsoft.Extensions.Options;
using PersonalCloud.Reconciler.Containers;
using PersonalCloud.Reconciler.Events;

namespace PersonalCloud.Reconciler.Builds;

/// <summary>
/// Removes the images this instance built from source once nothing needs them (<see cref="BuildImagePlanner"/>), so
/// source deploys do not fill the disk: after every build, after an app's deletion, and every few minutes. The engine
/// keeps an image a container still uses; a later pass removes it.
/// </summary>
public sealed partial class BuildImageCollector(
    IContainerRuntime runtime,
    BuildStore store,
    EventJournal journal,
    IOptions<BuildOptions> options,
    ILogger<BuildImageCollector> logger) : BackgroundService
{
    public const string Action = "RemoveBuildImage";
    private static readonly TimeSpan Every = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan FailedRetry = TimeSpan.FromSeconds(30);
    private readonly SemaphoreSlim _wake = new(0, 1);

    /// <summary>Asks for a pass soon (a build ended, an app was deleted); several asks before it runs make one pass.</summary>
    public void RequestNow()
    {
        try
        {
            if (_wake.CurrentCount == 0)
                _wake.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already requested.
        }
    }

    /// <summary>One pass: lists the built images, reads who uses them, removes the unneeded ones. Returns how many went.</summary>
    public async Task<int> CollectAsync(CancellationToken ct)
    {
        var images = await runtime.ListBuiltImagesAsync(ct);
        if (images.Count == 0)
            return 0;
        var apps = await store.ReadImageUsesAsync(images.Select(i => i.AppId).Distinct().ToList(), ct);
        var removed = 0;
        foreach (var (image, reason) in BuildImagePlanner.Unneeded(images, apps, options.Value.ImagesKept))
        {
            if (!await runtime.RemoveImageAsync(image.Id, ct))
                continue;
            removed++;
            var name = image.Tags.FirstOrDefault() ?? image.Id;
            LogRemoved(logger, image.AppId, name, reason);
            if (apps.ContainsKey(image.AppId))
                await journal.RecordAsync(new AppEvent(image.AppId, image.ReleaseId, null, Action, $"{name}: {reason}", EventJournal.Succeeded, null, TimeSpan.Zero), ct);
        }

        return removed;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var wait = Every;
            try
            {
                await CollectAsync(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                // The engine or Postgres away (transient): nothing was removed on a guess; the next pass looks again.
                LogFailed(logger, e, FailedRetry);
                wait = FailedRetry;
            }

            await _wake.WaitAsync(wait, stoppingToken);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "App {AppId}: removed build image {Image}: {Reason}")]
    private static partial void LogRemoved(ILogger logger, Guid appId, string image, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Build image collection failed; trying again in {Delay}")]
    private static partial void LogFailed(ILogger logger, Exception exception, TimeSpan delay);
}
