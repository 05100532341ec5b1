using Microsoft.Extensions.Options;
using PersonalCloud.Contracts.Apps;
using PersonalCloud.Contracts.Labels;
using PersonalCloud.Reconciler.Containers;
using PersonalCloud.Reconciler.Desired;

namespace PersonalCloud.Reconciler.Builds;

/// <summary>
/// Builds a release from its source (an uploaded tar.gz or a git repository) with the engine, under the tag the API chose.
/// Success or failure, the output is kept as the release's build log; a failure becomes the release's failure reason.
/// </summary>
public sealed partial class SourceBuilder(
    IContainerRuntime runtime,
    BuildStore store,
    GitCheckout git,
    BuildHost host,
    BuildSandbox sandbox,
    BuildLogPublisher publisher,
    Status.ReleaseStageWriter stages,
    Events.EventJournal journal,
    IOptions<BuildOptions> options,
    TimeProvider time,
    ILogger<SourceBuilder> logger)
{
    private const int MaxReasonChars = 500;
    private const string JournalAction = "BuildImage";

    /// <summary>
    /// Throws <see cref="ImageUnavailableException"/> ("build failed: ...") when the source cannot be built. While it runs
    /// the release is at stage building and its log is readable; the outcome goes to the app's journal. Null, building
    /// nothing, when the release has failed already: its build log and failure stay as they are.
    /// </summary>
    public async Task<ResolvedImage?> BuildAsync(Guid appId, DesiredRelease release, CancellationToken ct)
    {
        var log = new BuildLog();
        if (!await store.StartAsync(release.Id, ct))
        {
            LogAlreadyFailed(logger, appId, release.Id);
            return null;
        }

        var started = time.GetTimestamp();
        LogBuildStarted(logger, appId, release.Id, release.SourceKind);
        await stages.ReachedAsync(release.Id, ReleaseStages.Building, ct);

        ResolvedImage? image = null;
        ImageBuildFailedException? failure = null;
        var refusalsBefore = host.PidsRefusals();
        var timedOut = false;
        using var publishing = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var publishingLog = publisher.RunAsync(release.Id, log, publishing.Token);
        try
        {
            await host.PrepareAsync(ct);
            using var timeout = new CancellationTokenSource(options.Value.Timeout, time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
            try
            {
                image = await BuildFromSourceAsync(appId, release, log, linked.Token);
            }
            catch (OperationCanceledException e) when (timeout.IsCancellationRequested && !ct.IsCancellationRequested)
            {
                timedOut = true;
                throw new ImageBuildFailedException($"the build did not finish within {options.Value.TimeoutMinutes} minutes", e);
            }
        }
        catch (ImageBuildFailedException e)
        {
            failure = e;
        }
        finally
        {
            // The final record below must not be overwritten by a last running write.
            await publishing.CancelAsync();
            await publishingLog;
        }

        var duration = time.GetElapsedTime(started);
        var why = $"release {release.Id} has no image yet: building it from its {release.SourceKind} source";
        if (failure is not null || image is null)
        {
            var reason = BuildFailureReason.Explain(Reason(failure?.Message ?? "the build produced no image", log), options.Value,
                host.PidsRefusals() > refusalsBefore || BuildFailureReason.MentionsForkRefused(log.ToString()), timedOut);
            log.AppendLine($"build failed: {reason}");
            // The failure is recorded even when the pass is being cancelled: the log is what the owner reads next.
            await store.RecordAsync(release.Id, log.Snapshot(), imageDigest: null, time.GetUtcNow(), CancellationToken.None);
            await journal.RecordAsync(new Events.AppEvent(appId, release.Id, null, JournalAction, why, Events.EventJournal.Failed, $"build failed: {reason}", duration), CancellationToken.None);
            LogBuildFailed(logger, appId, release.Id, duration, reason);
            throw new ImageUnavailableException($"build failed: {reason}", failure);
        }

        await store.RecordAsync(release.Id, log.Snapshot(), image.Id, time.GetUtcNow(), ct);
        await journal.RecordAsync(new Events.AppEvent(appId, release.Id, null, JournalAction, why, Events.EventJournal.Succeeded, null, duration), ct);
        LogBuildSucceeded(logger, appId, release.Id, image.Id, duration);
        return image;
    }

    private async Task<ResolvedImage> BuildFromSourceAsync(Guid appId, DesiredRelease release, BuildLog log, CancellationToken ct)
    {
        var labels = new Dictionary<string, string>
        {
            [ContainerLabels.AppId] = appId.ToString("D"),
            [ContainerLabels.ReleaseId] = release.Id.ToString("D"),
        };
        switch (release.SourceKind)
        {
            case ReleaseSources.Archive:
                var archive = await store.ReadArchiveAsync(release.Id, ct)
                    ?? throw new ImageUnavailableException("the release's build context is gone and its image is not in the engine");
                Declare(labels, await ProcfileReader.FromArchiveAsync(archive, ct), log);
                // The engine unpacks gzip contexts itself (checked on 20.10, API 1.41).
                await using (var context = new MemoryStream(archive, writable: false))
                    return await runtime.BuildImageAsync(context, release.Image, labels, sandbox, log, ct);
            case ReleaseSources.Git:
                return await BuildFromGitAsync(release, labels, log, ct);
            default:
                throw new ImageUnavailableException($"unknown source kind '{release.SourceKind}'");
        }
    }

    private async Task<ResolvedImage> BuildFromGitAsync(DesiredRelease release, Dictionary<string, string> labels, BuildLog log, CancellationToken ct)
    {
        var root = Directory.CreateTempSubdirectory("pcloud-build-");
        try
        {
            var worktree = Path.Combine(root.FullName, "src");
            var commit = await git.CheckoutAsync(release.GitUrl ?? "", release.GitRef, worktree, log, ct);
            await store.RecordCommitAsync(release.Id, commit, ct);
            if (!File.Exists(Path.Combine(worktree, "Dockerfile")))
                throw new ImageBuildFailedException("the repository has no Dockerfile at its root");
            Declare(labels, await ProcfileReader.FromDirectoryAsync(worktree, ct), log);

            // A temporary file, not memory: a repository can be far larger than an upload.
            await using var context = new FileStream(Path.Combine(root.FullName, "context.tar"), FileMode.CreateNew, FileAccess.ReadWrite,
                FileShare.None, 81920, FileOptions.Asynchronous | FileOptions.DeleteOnClose);
            await BuildContextTar.WriteAsync(worktree, context, ct);
            context.Position = 0;
            return await runtime.BuildImageAsync(context, release.Image, labels, sandbox, log, ct);
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }

    /// <summary>The Procfile goes with the image (a label), so every release of that image has it; the build log says what it declared.</summary>
    private static void Declare(Dictionary<string, string> labels, Contracts.Processes.Procfile? procfile, BuildLog log)
    {
        if (procfile is null)
            return;
        labels[ContainerLabels.ImageProcfile] = procfile.ToJson();
        log.AppendLine($"Procfile declares: {string.Join(", ", procfile.Entries.Keys.Order(StringComparer.Ordinal))}");
    }

    /// <summary>One line, bounded: the engine's (or git's) last error, else the log's last line.</summary>
    private static string Reason(string message, BuildLog log)
    {
        var line = message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault()
            ?? log.LastLine() ?? "no reason given";
        return line.Length <= MaxReasonChars ? line : line[..MaxReasonChars] + "...";
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "App {AppId}: release {ReleaseId} failed already; its build is not run again")]
    private static partial void LogAlreadyFailed(ILogger logger, Guid appId, Guid releaseId);

    [LoggerMessage(Level = LogLevel.Information, Message = "App {AppId}: building release {ReleaseId} from its {SourceKind} source")]
    private static partial void LogBuildStarted(ILogger logger, Guid appId, Guid releaseId, string sourceKind);

    [LoggerMessage(Level = LogLevel.Information, Message = "App {AppId}: release {ReleaseId} built as {ImageId} in {Elapsed}")]
    private static partial void LogBuildSucceeded(ILogger logger, Guid appId, Guid releaseId, string imageId, TimeSpan elapsed);

    [LoggerMessage(Level = LogLevel.Warning, Message = "App {AppId}: build of release {ReleaseId} failed after {Elapsed}: {Reason}")]
    private static partial void LogBuildFailed(ILogger logger, Guid appId, Guid releaseId, TimeSpan elapsed, string reason);
}
